/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_validate.h"

#include <fnmatch.h>
#include <string.h>

#include <openssl/evp.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
	{
		return c - '0';
	}
	if (c >= 'a' && c <= 'f')
	{
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F')
	{
		return c - 'A' + 10;
	}
	return -1;
}

bool skip_system_id_valid(const char *s, size_t len)
{
	/* any other byte is fine: system IDs are percent-encoded in URLs and
	 * escaped in log lines, but a NUL would cut them short in C strings */
	return s && len > 0 && len <= SKIP_SYSTEM_ID_MAX && !memchr(s, '\0', len);
}

bool skip_key_id_valid(const char *s, size_t len)
{
	size_t i;

	if (!s || len < 2 || len > SKIP_KEY_ID_MAX_HEX || len % 2)
	{
		return false;
	}
	for (i = 0; i < len; i++)
	{
		if (hex_value(s[i]) < 0)
		{
			return false;
		}
	}
	return true;
}

bool skip_etsi_key_id_valid(const char *s, size_t len)
{
	size_t i;

	if (!s || len < 1 || len > SKIP_ETSI_KEY_ID_MAX)
	{
		return false;
	}
	for (i = 0; i < len; i++)
	{
		if (s[i] < 0x21 || s[i] > 0x7e)
		{
			return false;
		}
	}
	return true;
}

bool skip_printable(const char *s, size_t len, size_t max)
{
	size_t i;

	if (!s || len > max)
	{
		return false;
	}
	for (i = 0; i < len; i++)
	{
		if (s[i] < 0x20 || s[i] > 0x7e)
		{
			return false;
		}
	}
	return true;
}

bool skip_glob_valid(const char *pattern, size_t len)
{
	/* a glob is a system ID that may contain * ? [ ] !, matched by
	 * fnmatch(3) as a C string */
	return skip_system_id_valid(pattern, len);
}

bool skip_glob_match(const char *pattern, const char *system_id)
{
	return fnmatch(pattern, system_id, 0) == 0;
}

bool skip_hex_decode(const char *hex, size_t len, uint8_t *out)
{
	size_t i;
	int hi, lo;

	if (len % 2)
	{
		return false;
	}
	for (i = 0; i < len; i += 2)
	{
		hi = hex_value(hex[i]);
		lo = hex_value(hex[i + 1]);
		if (hi < 0 || lo < 0)
		{
			return false;
		}
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/**
 * Value of a character of the base64 alphabet, -1 for any other.
 */
static int base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
	{
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z')
	{
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9')
	{
		return c - '0' + 52;
	}
	if (c == '+')
	{
		return 62;
	}
	if (c == '/')
	{
		return 63;
	}
	return -1;
}

bool skip_base64_decode(const char *in, size_t len, uint8_t *out,
						size_t *out_len)
{
	size_t i, pad = 0;
	int n;

	if (!in || !len || len % 4 || len > SKIP_BASE64_MAX)
	{
		return false;
	}
	if (in[len - 1] == '=')
	{
		pad = in[len - 2] == '=' ? 2 : 1;
	}
	/* EVP_DecodeBlock() skips white space and accepts padding anywhere in
	 * the last block: check the text first, so the length is exact */
	for (i = 0; i < len - pad; i++)
	{
		if (base64_value(in[i]) < 0)
		{
			return false;
		}
	}
	/* canonical: the bits the padding leaves over are zero */
	if ((pad == 2 && (base64_value(in[len - 3]) & 0x0f)) ||
		(pad == 1 && (base64_value(in[len - 2]) & 0x03)))
	{
		return false;
	}
	n = EVP_DecodeBlock(out, (const unsigned char*)in, (int)len);
	if (n < 0 || (size_t)n != len / 4 * 3)
	{
		return false;
	}
	*out_len = (size_t)n - pad;
	return true;
}

void skip_hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++)
	{
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

size_t skip_escape(const char *in, char *out, size_t outlen)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char*)(in ? in : "");
	size_t len = 0;

	if (!outlen)
	{
		return 0;
	}
	for (; *p; p++)
	{
		if (*p >= 0x20 && *p < 0x7f && *p != '\\' && *p != '\'')
		{
			if (len + 1 >= outlen)
			{
				break;
			}
			out[len++] = (char)*p;
		}
		else
		{	/* all four characters or none */
			if (len + 4 >= outlen)
			{
				break;
			}
			out[len++] = '\\';
			out[len++] = 'x';
			out[len++] = digits[*p >> 4];
			out[len++] = digits[*p & 0x0f];
		}
	}
	out[len] = '\0';
	return len;
}

void skip_sanitize_printable(char *s)
{
	for (; *s; s++)
	{
		if (*s < 0x20 || *s > 0x7e)
		{
			*s = '?';
		}
	}
}

bool skip_all_zero(const uint8_t *bytes, size_t len)
{
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < len; i++)
	{
		acc |= bytes[i];
	}
	return acc == 0;
}
