/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_validate skip_validate
 * @{ @ingroup libskip
 *
 * Checks for every value that crosses a trust boundary (IKE peer, KP JSON,
 * HTTP request) before it reaches a URL, a log line or a buffer.
 */

#ifndef SKIP_VALIDATE_H_
#define SKIP_VALIDATE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Longest system ID accepted (the draft requires support for 32 bytes).
 */
#define SKIP_SYSTEM_ID_MAX 255

/**
 * Size of a buffer that holds any system ID escaped with skip_escape(): each
 * byte may become \xNN, plus the terminating NUL.
 */
#define SKIP_SYSTEM_ID_LOG_MAX (4 * SKIP_SYSTEM_ID_MAX + 1)

/**
 * Longest keyId accepted, in hex characters (the draft mandates 128 bit
 * keyIds, its example uses 192 bit; leave room for longer ones).
 */
#define SKIP_KEY_ID_MAX_HEX 128

/**
 * Longest ETSI GS QKD 014 key_ID accepted, in bytes (the spec's UUIDs have
 * 36; key_IDs are opaque strings, kept byte-exact).
 */
#define SKIP_ETSI_KEY_ID_MAX 128

/**
 * Longest key accepted, in bytes (the draft's default is 256 bit).
 */
#define SKIP_KEY_MAX_BYTES 1024

/**
 * Longest capabilities "algorithm" value accepted.
 */
#define SKIP_ALGORITHM_MAX 255

/**
 * Whether len bytes at s form a valid system ID: 1 to SKIP_SYSTEM_ID_MAX
 * bytes, any byte but NUL. The draft types system IDs as plain strings;
 * they are percent-encoded in URLs and escaped with skip_escape() in logs.
 */
bool skip_system_id_valid(const char *s, size_t len);

/**
 * Whether len bytes at s form a valid keyId: an even number (2 to
 * SKIP_KEY_ID_MAX_HEX) of hex digits, either case.
 */
bool skip_key_id_valid(const char *s, size_t len);

/**
 * Whether len bytes at s form a valid ETSI GS QKD 014 key_ID: 1 to
 * SKIP_ETSI_KEY_ID_MAX bytes of printable ASCII without space (0x21-0x7e).
 * key_IDs are opaque: not every KME sends RFC 4122 UUIDs. They are
 * percent-encoded in URLs, JSON-escaped in bodies and escaped with
 * skip_escape() in logs.
 */
bool skip_etsi_key_id_valid(const char *s, size_t len);

/**
 * Whether len bytes at s are printable ASCII (0x20-0x7e), at most max bytes.
 */
bool skip_printable(const char *s, size_t len, size_t max);

/**
 * Whether a remoteSystemID entry of a KP's capabilities is a usable POSIX
 * glob: valid on the terms of a system ID (1 to SKIP_SYSTEM_ID_MAX bytes,
 * no NUL).
 */
bool skip_glob_valid(const char *pattern, size_t len);

/**
 * Whether a system ID matches a remoteSystemID glob (fnmatch(3)).
 */
bool skip_glob_match(const char *pattern, const char *system_id);

/**
 * Decode len hex digits (even, either case) into len/2 bytes at out.
 *
 * @return			false if a character is not a hex digit or len is odd
 */
bool skip_hex_decode(const char *hex, size_t len, uint8_t *out);

/**
 * Decode canonical RFC 4648 base64 (standard alphabet, padded to a multiple
 * of 4 characters, no white space, unused bits zero) with OpenSSL.
 *
 * @param in		the text
 * @param len		length of in, at most SKIP_BASE64_MAX
 * @param out		receives the bytes, room for len / 4 * 3 of them
 * @param out_len	receives the number of bytes decoded
 * @return			false if in is not canonical base64
 */
bool skip_base64_decode(const char *in, size_t len, uint8_t *out,
						size_t *out_len);

/** longest base64 text skip_base64_decode() accepts */
#define SKIP_BASE64_MAX (1024 * 1024)

/**
 * Encode len bytes as lowercase hex into out (2*len+1 bytes, NUL-terminated).
 */
void skip_hex_encode(const uint8_t *in, size_t len, char *out);

/**
 * Render a string from an untrusted source for a log line: printable ASCII
 * stays as it is, every other byte and the backslash and single quote (log
 * lines quote values with them) become \xNN. The result is always
 * NUL-terminated and never ends in a partial \xNN; what does not fit is
 * left off.
 *
 * @param in		NUL-terminated string, NULL is rendered as ""
 * @param out		receives the escaped string
 * @param outlen	size of out (SKIP_SYSTEM_ID_LOG_MAX for a system ID)
 * @return			length of the escaped string in out
 */
size_t skip_escape(const char *in, char *out, size_t outlen);

/**
 * A buffer for one system ID escaped for a log line.
 */
typedef struct {
	char str[SKIP_SYSTEM_ID_LOG_MAX];
} skip_sid_log_t;

/**
 * Escape a system ID for a log line, into a buffer of the caller's.
 *
 * @return			buf->str
 */
static inline const char *skip_sid_log(const char *sid, skip_sid_log_t *buf)
{
	skip_escape(sid, buf->str, sizeof(buf->str));
	return buf->str;
}

/**
 * Whether len bytes are all zero (a KP's broken key), in time that does not
 * depend on where a non-zero byte is.
 */
bool skip_all_zero(const uint8_t *bytes, size_t len);

/**
 * Replace every non-printable byte of a NUL-terminated string with '?'.
 */
void skip_sanitize_printable(char *s);

#endif /** SKIP_VALIDATE_H_ @}*/
