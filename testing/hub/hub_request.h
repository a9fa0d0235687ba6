/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * What the hub does with a client's frame (docs/dske.md, "Security Hub"):
 * authenticate it (AEAD and counter) before any PSRD is touched, then
 * SHARE_UPLOAD -> ACK or ERROR, INSTR_REQUEST -> KEY_INSTRUCTION or ERROR.
 */

#ifndef HUB_REQUEST_H_
#define HUB_REQUEST_H_

#include "hub.h"

#include <event2/buffer.h>

/**
 * Handle one frame (its length prefix removed); the answer, with its
 * prefix, is added to out.
 *
 * @return			false to close the connection without an answer (the
 *					frame failed a check, or the hub cannot answer)
 */
bool hub_request_frame(hub_t *hub, const uint8_t *frame, size_t len,
					   struct evbuffer *out);

#endif /* HUB_REQUEST_H_ */
