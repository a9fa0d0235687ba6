/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * "skip-hub bundle": registration bundles for a set of hubs and their
 * clients (docs/dske.md, "Registration bundles"). For each (hub, client) a
 * fresh pair (random IDs, wrap key and PSRD tables) is written twice:
 * OUT/HUB/clients/CLIENT for the hub and OUT/CLIENT/hubs/HUB for the
 * client, each with the hub's clients file. Files 0600, directories 0700.
 */

#ifndef HUB_BUNDLE_H_
#define HUB_BUNDLE_H_

/**
 * Run the bundle command (argv[0] = "bundle").
 *
 * @return			exit status
 */
int hub_bundle_main(int argc, char *argv[]);

#endif /* HUB_BUNDLE_H_ */
