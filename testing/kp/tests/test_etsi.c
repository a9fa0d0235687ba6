/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The ETSI GS QKD 014 API of the KP: status, enc_keys and dec_keys in their
 * GET and POST forms, sizes and the spec's 400 messages, key_IDs, one-time
 * delivery across the KP pair, SAE identities (401) and the separation from
 * SKIP keys.
 *
 * Alice serves SAE sae-a (client certificate gw-a), Bob sae-b (gw-b); sae-x
 * sits behind Bob without a certificate.
 */

#include "kpt.h"

#include <ctype.h>
#include <string.h>

#include <openssl/evp.h>

static kpt_kp_t kps[2];

/**
 * Prepare the pair with its SAEs; extra is one more argument for both.
 */
static void init_etsi(const char *extra, const char *extra_value)
{
	int i;

	kpt_pair_init(kps);
	for (i = 0; i < 2; i++)
	{
		kpt_kp_arg(&kps[i], "--sae");
		kpt_kp_arg(&kps[i], "sae-a,Alice%s", i ? "" : ",cert:/CN=gw-a");
		kpt_kp_arg(&kps[i], "--sae");
		kpt_kp_arg(&kps[i], "sae-b,Bob%s", i ? ",cert:/CN=gw-b" : "");
		kpt_kp_arg(&kps[i], "--sae");
		kpt_kp_arg(&kps[i], "sae-x,Bob");
		if (extra)
		{
			kpt_kp_arg(&kps[i], "%s", extra);
			if (extra_value)
			{
				kpt_kp_arg(&kps[i], "%s", extra_value);
			}
		}
	}
}

static void start_etsi(const char *extra, const char *extra_value)
{
	init_etsi(extra, extra_value);
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
}

/** the SAE of a side: sae-a on Alice, sae-b on Bob */
static void sae(kpt_client_t *c, int side)
{
	kpt_client_gw(c, &kps[side], side, KPT_CERT);
}

/**
 * Assert an ETSI Error answer: code, {"message"} containing needle.
 */
static void assert_etsi_error(kpt_resp_t *resp, long code, const char *needle)
{
	const char *message;

	ck_assert_msg(resp->code == code, "%s: %ld, not %ld: %s", resp->what,
				  resp->code, code, resp->body);
	ck_assert_msg(resp->json, "%s: no JSON body", resp->what);
	message = kpt_json_str(resp, "message");
	ck_assert_msg(message, "%s: no message", resp->what);
	ck_assert_msg(!needle || strstr(message, needle), "%s: '%s' lacks '%s'",
				  resp->what, message, needle);
	kpt_resp_clear(resp);
}

/** a key of a container: key_ID and key (hex) */
typedef struct {
	char id[40];
	char hex[1100];
	size_t len;
} etsi_key_t;

static bool uuid_shape(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
	{
		return false;
	}
	for (i = 0; i < 36; i++)
	{
		if (i == 8 || i == 13 || i == 18 || i == 23 ? s[i] != '-' :
			!(isdigit((unsigned char)s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
		{
			return false;
		}
	}
	return true;
}

/**
 * Assert a key container of n keys of bits each; copy them out.
 */
static void assert_keys(kpt_resp_t *resp, int n, unsigned bits,
						etsi_key_t *keys)
{
	json_object *array, *key, *value;
	unsigned char raw[600];
	const char *b64;
	int i, len, pad;
	size_t j;

	ck_assert_msg(resp->code == 200, "%s: %ld %s", resp->what, resp->code,
				  resp->body);
	ck_assert_msg(resp->json && json_object_object_get_ex(resp->json, "keys",
							&array) && json_object_is_type(array,
							json_type_array), "%s: %s", resp->what, resp->body);
	ck_assert_int_eq(json_object_array_length(array), n);
	for (i = 0; i < n; i++)
	{
		key = json_object_array_get_idx(array, i);
		ck_assert(json_object_object_get_ex(key, "key_ID", &value));
		ck_assert_msg(uuid_shape(json_object_get_string(value)), "key_ID %s",
					  json_object_get_string(value));
		snprintf(keys[i].id, sizeof(keys[i].id), "%s",
				 json_object_get_string(value));
		ck_assert(json_object_object_get_ex(key, "key", &value));
		b64 = json_object_get_string(value);
		ck_assert_int_eq(strlen(b64), 4 * ((bits / 8 + 2) / 3));
		len = EVP_DecodeBlock(raw, (const unsigned char*)b64,
							  (int)strlen(b64));
		pad = (int)(strlen(b64) && b64[strlen(b64) - 1] == '=') +
			  (int)(strlen(b64) > 1 && b64[strlen(b64) - 2] == '=');
		ck_assert_int_eq(len - pad, bits / 8);
		keys[i].len = bits / 8;
		for (j = 0; j < keys[i].len; j++)
		{
			sprintf(keys[i].hex + 2 * j, "%02x", raw[j]);
		}
	}
	kpt_resp_clear(resp);
}

static void upper(char *s)
{
	for (; *s; s++)
	{
		*s = (char)toupper((unsigned char)*s);
	}
}

START_TEST(test_etsi_status)
{
	const char *fields[] = { "key_size", "stored_key_count", "max_key_count",
		"max_key_per_request", "max_key_size", "min_key_size",
		"max_SAE_ID_count" };
	json_object *value;
	kpt_client_t c;
	kpt_resp_t resp;
	size_t i;

	start_etsi(NULL, NULL);
	sae(&c, 0);
	kpt_request(&c, &resp, "GET", "/api/v1/keys/sae-b/status");
	ck_assert_msg(resp.code == 200 && resp.json, "%ld %s", resp.code,
				  resp.body);
	ck_assert_str_eq(kpt_json_str(&resp, "source_KME_ID"), "Alice");
	ck_assert_str_eq(kpt_json_str(&resp, "target_KME_ID"), "Bob");
	ck_assert_str_eq(kpt_json_str(&resp, "master_SAE_ID"), "sae-a");
	ck_assert_str_eq(kpt_json_str(&resp, "slave_SAE_ID"), "sae-b");
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
	{
		ck_assert_msg(json_object_object_get_ex(resp.json, fields[i], &value)
					  && json_object_is_type(value, json_type_int),
					  "%s missing", fields[i]);
	}
	json_object_object_get_ex(resp.json, "key_size", &value);
	ck_assert_int_eq(json_object_get_int(value), 256);
	json_object_object_get_ex(resp.json, "max_key_per_request", &value);
	ck_assert_int_eq(json_object_get_int(value), 16);
	json_object_object_get_ex(resp.json, "min_key_size", &value);
	ck_assert_int_eq(json_object_get_int(value), 128);
	json_object_object_get_ex(resp.json, "max_key_size", &value);
	ck_assert_int_eq(json_object_get_int(value), 4096);
	json_object_object_get_ex(resp.json, "max_SAE_ID_count", &value);
	ck_assert_int_eq(json_object_get_int(value), 0);
	ck_assert_str_eq(resp.content_type, "application/json");
	kpt_resp_clear(&resp);

	kpt_request_body(&c, &resp, "POST", "{}", "/api/v1/keys/sae-b/status");
	ck_assert_int_eq(resp.code, 405);
	kpt_resp_clear(&resp);
	kpt_request(&c, &resp, "PUT", "/api/v1/keys/sae-b/enc_keys");
	ck_assert_int_eq(resp.code, 405);
	kpt_resp_clear(&resp);
	kpt_request(&c, &resp, "GET", "/api/v1/keys/nobody/status");
	assert_etsi_error(&resp, 400, "unknown slave_SAE_ID");
	kpt_request(&c, &resp, "GET", "/api/v1/keys/sae-b/other");
	ck_assert_int_eq(resp.code, 404);
	kpt_resp_clear(&resp);
	kpt_client_free(&c);
	kpt_pair_free(kps);
}
END_TEST

/**
 * GET forms: enc_keys on Alice, dec_keys on Bob (key_ID in capitals), once.
 */
START_TEST(test_etsi_get)
{
	kpt_client_t a, b;
	kpt_resp_t resp;
	etsi_key_t made, got;
	char id[40];

	start_etsi(NULL, NULL);
	sae(&a, 0);
	sae(&b, 1);
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys");
	assert_keys(&resp, 1, 256, &made);
	snprintf(id, sizeof(id), "%s", made.id);
	upper(id);
	kpt_request(&b, &resp, "GET", "/api/v1/keys/sae-a/dec_keys?key_ID=%s",
				id);
	assert_keys(&resp, 1, 256, &got);
	ck_assert_str_eq(got.id, made.id);
	ck_assert_str_eq(got.hex, made.hex);
	kpt_request(&b, &resp, "GET", "/api/v1/keys/sae-a/dec_keys?key_ID=%s",
				made.id);
	assert_etsi_error(&resp, 400,
					  "one or more keys specified are not found on KME");

	kpt_request(&a, &resp, "GET",
				"/api/v1/keys/sae-b/enc_keys?number=2&size=128");
	{
		etsi_key_t two[2];

		assert_keys(&resp, 2, 128, two);
		ck_assert_str_ne(two[0].id, two[1].id);
	}
	kpt_client_free(&a);
	kpt_client_free(&b);
	kpt_pair_free(kps);
}
END_TEST

/**
 * POST forms, number > 1, objects and bare strings in key_IDs, extensions.
 */
START_TEST(test_etsi_post)
{
	kpt_client_t a, b;
	kpt_resp_t resp;
	etsi_key_t made[3], got[3];
	char body[512];
	int i;

	start_etsi(NULL, NULL);
	sae(&a, 0);
	sae(&b, 1);
	kpt_request_body(&a, &resp, "POST",
					 "{\"number\": 3, \"size\": 512, \"extension_optional\": "
					 "[{\"xyz_hint\": 1}], \"additional_slave_SAE_IDs\": []}",
					 "/api/v1/keys/sae-b/enc_keys");
	assert_keys(&resp, 3, 512, made);
	snprintf(body, sizeof(body), "{\"key_IDs\": [{\"key_ID\": \"%s\", "
			 "\"key_ID_extension\": {}}, \"%s\", {\"key_ID\": \"%s\", "
			 "\"master_SAE_ID\": \"sae-a\"}], \"key_IDs_extension\": {}}",
			 made[0].id, made[1].id, made[2].id);
	kpt_request_body(&b, &resp, "POST", body, "/api/v1/keys/sae-a/dec_keys");
	assert_keys(&resp, 3, 512, got);
	for (i = 0; i < 3; i++)
	{
		ck_assert_str_eq(got[i].id, made[i].id);
		ck_assert_str_eq(got[i].hex, made[i].hex);
	}
	kpt_request_body(&b, &resp, "POST", body, "/api/v1/keys/sae-a/dec_keys");
	assert_etsi_error(&resp, 400, "not found on KME");

	/* an empty request is {} */
	kpt_request_body(&a, &resp, "POST", "{}", "/api/v1/keys/sae-b/enc_keys");
	assert_keys(&resp, 1, 256, made);
	kpt_request_body(&a, &resp, "POST",
					 "{\"extension_mandatory\": [{\"xyz_qos\": 1}]}",
					 "/api/v1/keys/sae-b/enc_keys");
	assert_etsi_error(&resp, 400,
					  "not all extension_mandatory parameters are supported");
	kpt_request_body(&a, &resp, "POST",
					 "{\"additional_slave_SAE_IDs\": [\"sae-x\"]}",
					 "/api/v1/keys/sae-b/enc_keys");
	assert_etsi_error(&resp, 400, "additional_slave_SAE_IDs");
	kpt_request_body(&a, &resp, "POST", "{\"number\": \"2\"}",
					 "/api/v1/keys/sae-b/enc_keys");
	assert_etsi_error(&resp, 400, "number");
	kpt_request_body(&a, &resp, "POST", "[1]", "/api/v1/keys/sae-b/enc_keys");
	assert_etsi_error(&resp, 400, NULL);
	kpt_request_body(&b, &resp, "POST", "{\"key_IDs\": []}",
					 "/api/v1/keys/sae-a/dec_keys");
	assert_etsi_error(&resp, 400, "key_IDs");
	snprintf(body, sizeof(body), "{\"key_IDs\": [\"%s\", \"%s\"]}",
			 made[0].id, made[0].id);
	kpt_request_body(&b, &resp, "POST", body, "/api/v1/keys/sae-a/dec_keys");
	assert_etsi_error(&resp, 400, "twice");
	/* still there */
	snprintf(body, sizeof(body), "{\"key_IDs\": [\"%s\"]}", made[0].id);
	kpt_request_body(&b, &resp, "POST", body, "/api/v1/keys/sae-a/dec_keys");
	assert_keys(&resp, 1, 256, got);
	kpt_client_free(&a);
	kpt_client_free(&b);
	kpt_pair_free(kps);
}
END_TEST

/**
 * Sizes: multiples of 8 within the configured range, number up to the
 * configured most, configured default size.
 */
START_TEST(test_etsi_sizes)
{
	kpt_client_t a;
	kpt_resp_t resp;
	etsi_key_t keys[4];

	init_etsi("--etsi-key-size", "384");
	kpt_kp_arg(&kps[0], "--etsi-max-keys");
	kpt_kp_arg(&kps[0], "4");
	kpt_kp_arg(&kps[0], "--etsi-max-key-size");
	kpt_kp_arg(&kps[0], "1024");
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
	sae(&a, 0);
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys");
	assert_keys(&resp, 1, 384, keys);
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys?number=4&size=1024");
	assert_keys(&resp, 4, 1024, keys);
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys?size=100");
	assert_etsi_error(&resp, 400, "size shall be a multiple of 8");
	kpt_request_body(&a, &resp, "POST", "{\"size\": 260}",
					 "/api/v1/keys/sae-b/enc_keys");
	assert_etsi_error(&resp, 400, "size shall be a multiple of 8");
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys?size=64");
	assert_etsi_error(&resp, 400, "128 to 1024");
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys?size=2048");
	assert_etsi_error(&resp, 400, "128 to 1024");
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys?number=5");
	assert_etsi_error(&resp, 400, "number must be 1 to 4");
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys?number=0");
	assert_etsi_error(&resp, 400, "number");
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys?number=-1");
	assert_etsi_error(&resp, 400, "number");
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys?count=1");
	assert_etsi_error(&resp, 400, "query parameter");
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys?size=128&size=256");
	assert_etsi_error(&resp, 400, "query parameter");
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/status");
	ck_assert_int_eq(resp.code, 200);
	ck_assert_ptr_nonnull(strstr(resp.body, "\"max_key_per_request\": 4") ?:
						  strstr(resp.body, "\"max_key_per_request\":4"));
	kpt_resp_clear(&resp);
	kpt_client_free(&a);
	kpt_pair_free(kps);
}
END_TEST

/**
 * 401: no SAE of this KP (PSK client, another certificate), a key made for
 * another SAE; a key asked for under another master is not found.
 */
START_TEST(test_etsi_unauthorized)
{
	kpt_client_t a, b, psk, wrong;
	kpt_resp_t resp;
	etsi_key_t made, got;

	start_etsi(NULL, NULL);
	sae(&a, 0);
	sae(&b, 1);
	kpt_client_gw(&psk, &kps[0], 0, KPT_PSK);
	kpt_request(&psk, &resp, "GET", "/api/v1/keys/sae-b/enc_keys");
	ck_assert_int_eq(resp.code, 401);
	kpt_resp_clear(&resp);
	kpt_request(&psk, &resp, "GET", "/api/v1/keys/sae-b/status");
	ck_assert_int_eq(resp.code, 401);
	kpt_resp_clear(&resp);
	/* gw-b's certificate is valid, but no SAE of Alice */
	kpt_client_cert(&wrong, kps[0].port, "ca.pem", "gw-b.pem", "gw-b.key");
	kpt_request(&wrong, &resp, "GET", "/api/v1/keys/sae-b/status");
	ck_assert_int_eq(resp.code, 401);
	kpt_resp_clear(&resp);
	/* no client certificate at all */
	kpt_client_free(&wrong);
	kpt_client_cert(&wrong, kps[0].port, "ca.pem", NULL, NULL);
	kpt_request(&wrong, &resp, "GET", "/api/v1/keys/sae-b/status");
	ck_assert_int_eq(resp.code, 401);
	kpt_resp_clear(&resp);
	kpt_client_free(&wrong);

	/* made for sae-x: sae-b may not take it, it stays */
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-x/enc_keys");
	assert_keys(&resp, 1, 256, &made);
	kpt_request(&b, &resp, "GET", "/api/v1/keys/sae-a/dec_keys?key_ID=%s",
				made.id);
	ck_assert_int_eq(resp.code, 401);
	kpt_resp_clear(&resp);
	ck_assert(kpt_log_has(&kps[1], "made for sae:sae-x"));

	/* made by sae-a for sae-b: not under another master, then served */
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys");
	assert_keys(&resp, 1, 256, &made);
	kpt_request(&b, &resp, "GET", "/api/v1/keys/sae-x/dec_keys?key_ID=%s",
				made.id);
	assert_etsi_error(&resp, 400, "not found on KME");
	kpt_request(&b, &resp, "GET", "/api/v1/keys/nobody/dec_keys?key_ID=%s",
				made.id);
	assert_etsi_error(&resp, 400, "unknown master_SAE_ID");
	/* gw-a's certificate on Bob is no SAE there */
	kpt_client_cert(&wrong, kps[1].port, "ca.pem", "gw-a.pem", "gw-a.key");
	kpt_request(&wrong, &resp, "GET", "/api/v1/keys/sae-a/dec_keys?key_ID=%s",
				made.id);
	ck_assert_int_eq(resp.code, 401);
	kpt_resp_clear(&resp);
	kpt_client_free(&wrong);
	kpt_request(&b, &resp, "GET", "/api/v1/keys/sae-a/dec_keys?key_ID=%s",
				made.id);
	assert_keys(&resp, 1, 256, &got);
	ck_assert_str_eq(got.hex, made.hex);
	kpt_client_free(&psk);
	kpt_client_free(&a);
	kpt_client_free(&b);
	kpt_pair_free(kps);
}
END_TEST

/**
 * key_IDs: shape checked, unknown ones not found.
 */
START_TEST(test_etsi_key_ids)
{
	kpt_client_t b;
	kpt_resp_t resp;

	start_etsi(NULL, NULL);
	sae(&b, 1);
	kpt_request(&b, &resp, "GET", "/api/v1/keys/sae-a/dec_keys?key_ID="
				"0123456789abcdef0123456789abcdef");
	assert_etsi_error(&resp, 400, "invalid key_ID");
	kpt_request(&b, &resp, "GET", "/api/v1/keys/sae-a/dec_keys?key_ID="
				"01234567-89ab-cdef-0123-456789abcdeg");
	assert_etsi_error(&resp, 400, "invalid key_ID");
	kpt_request(&b, &resp, "GET", "/api/v1/keys/sae-a/dec_keys?key_ID="
				"01234567-89ab-cdef-0123-456789abcdef");
	assert_etsi_error(&resp, 400,
					  "one or more keys specified are not found on KME");
	kpt_request(&b, &resp, "GET", "/api/v1/keys/sae-a/dec_keys");
	assert_etsi_error(&resp, 400, "key_ID missing");
	kpt_request_body(&b, &resp, "POST", "{\"key_IDs\": [17]}",
					 "/api/v1/keys/sae-a/dec_keys");
	assert_etsi_error(&resp, 400, "invalid key_ID");
	kpt_client_free(&b);
	kpt_pair_free(kps);
}
END_TEST

/**
 * ETSI keys and SKIP keys share store, journal and synchronization, but
 * each is served by the protocol that made it.
 */
START_TEST(test_etsi_skip_separate)
{
	kpt_client_t a, b, gwa, gwb;
	kpt_resp_t resp;
	etsi_key_t made, got;
	char key_id[65], key_hex[1100], hex[33], uuid[40];
	size_t i, j;

	start_etsi(NULL, NULL);
	sae(&a, 0);
	sae(&b, 1);
	kpt_client_gw(&gwa, &kps[0], 0, KPT_PSK);
	kpt_client_gw(&gwb, &kps[1], 1, KPT_PSK);

	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys");
	assert_keys(&resp, 1, 256, &made);
	for (i = j = 0; made.id[i]; i++)
	{
		if (made.id[i] != '-')
		{
			hex[j++] = made.id[i];
		}
	}
	hex[j] = '\0';
	kpt_expect_error(&gwb, 400, "key not found",
					 "/key/%s?remoteSystemID=Alice", hex);
	kpt_request(&b, &resp, "GET", "/api/v1/keys/sae-a/dec_keys?key_ID=%s",
				made.id);
	assert_keys(&resp, 1, 256, &got);
	ck_assert_str_eq(got.hex, made.hex);

	kpt_get_key(&gwa, "Bob", key_id, key_hex);
	snprintf(uuid, sizeof(uuid), "%.8s-%.4s-%.4s-%.4s-%.12s", key_id,
			 key_id + 8, key_id + 12, key_id + 16, key_id + 20);
	kpt_request(&b, &resp, "GET", "/api/v1/keys/sae-a/dec_keys?key_ID=%s",
				uuid);
	assert_etsi_error(&resp, 400, "not found on KME");
	kpt_expect_key(&gwb, key_hex, "/key/%s?remoteSystemID=Alice", key_id);
	kpt_client_free(&gwa);
	kpt_client_free(&gwb);
	kpt_client_free(&a);
	kpt_client_free(&b);
	kpt_pair_free(kps);
}
END_TEST

/**
 * TLS 1.2 and 1.3 on the port of the SKIP API.
 */
START_TEST(test_etsi_tls12)
{
	kpt_client_t a;
	kpt_resp_t resp;

	start_etsi("--tls-versions", "1.2-1.3");
	sae(&a, 0);
	a.ssl_version = CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2;
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/status");
	ck_assert_int_eq(resp.code, 200);
	ck_assert_str_eq(resp.tls_version, "TLSv1.2");
	kpt_resp_clear(&resp);
	kpt_client_free(&a);
	sae(&a, 0);
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/status");
	ck_assert_int_eq(resp.code, 200);
	ck_assert_str_eq(resp.tls_version, "TLSv1.3");
	kpt_resp_clear(&resp);
	kpt_client_free(&a);
	kpt_pair_free(kps);
}
END_TEST

/**
 * Fault injection with a path prefix of the ETSI API.
 */
START_TEST(test_etsi_faults)
{
	kpt_client_t a;
	kpt_resp_t resp;
	etsi_key_t made;

	start_etsi(NULL, NULL);
	sae(&a, 0);
	kpt_faults(&kps[0], "status=503,path=/api/v1/keys/sae-b/enc_keys");
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys");
	ck_assert_int_eq(resp.code, 503);
	kpt_resp_clear(&resp);
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/status");
	ck_assert_int_eq(resp.code, 200);
	kpt_resp_clear(&resp);
	kpt_faults(&kps[0], "empty,path=/api/v1/");
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys");
	assert_etsi_error(&resp, 503, "no key available");
	kpt_faults(&kps[0], "");
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys");
	assert_keys(&resp, 1, 256, &made);
	kpt_client_free(&a);
	kpt_pair_free(kps);
}
END_TEST

/**
 * The ETSI options in a config file, and invalid ones.
 */
START_TEST(test_etsi_config)
{
	static const char *bad[][2] = {
		{ "--sae", "sae-a" },
		{ "--sae", "sae a,Alice" },
		{ "--sae", "sae-c,Carol" },
		{ "--sae", "sae-c,B*" },
		{ "--sae", "sae-c,Alice,psk:gw-a" },
		{ "--etsi-key-size", "100" },
		{ "--etsi-key-size", "8192" },
		{ "--etsi-min-key-size", "64" },
		{ "--etsi-max-key-size", "192" },
		{ "--etsi-max-keys", "0" },
		{ "--etsi-max-keys", "65" },
	};
	kpt_kp_t kp[2];
	kpt_client_t a;
	kpt_resp_t resp;
	etsi_key_t keys[2];
	char config[1024];
	FILE *file;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		kpt_pair_init(kp);
		kpt_kp_arg(&kp[0], "%s", bad[i][0]);
		kpt_kp_arg(&kp[0], "%s", bad[i][1]);
		ck_assert_msg(kpt_kp_run(&kp[0]) == 2, "%s %s", bad[i][0], bad[i][1]);
		kpt_pair_free(kp);
	}
	/* twice the same SAE */
	kpt_pair_init(kp);
	kpt_kp_arg(&kp[0], "--sae");
	kpt_kp_arg(&kp[0], "sae-b,Bob");
	kpt_kp_arg(&kp[0], "--sae");
	kpt_kp_arg(&kp[0], "sae-b,Bob");
	ck_assert_int_eq(kpt_kp_run(&kp[0]), 2);
	kpt_pair_free(kp);

	snprintf(config, sizeof(config),
			 "# SAEs\n"
			 "sae = sae-a,Alice,cert:/CN=gw-*\n"
			 "sae = sae-b,Bob\n"
			 "etsi-key-size = 136\n"
			 "etsi-min-key-size = 136\n"
			 "etsi-max-key-size = 136\n"
			 "etsi-max-keys = 2\n");
	file = fopen(kpt_path("etsi.conf"), "w");
	ck_assert_ptr_nonnull(file);
	fputs(config, file);
	fclose(file);
	kpt_pair_init(kps);
	kpt_kp_arg(&kps[0], "--config");
	kpt_kp_arg(&kps[0], "%s", kpt_path("etsi.conf"));
	kpt_kp_arg(&kps[1], "--sae");
	kpt_kp_arg(&kps[1], "sae-a,Alice");
	kpt_kp_arg(&kps[1], "--sae");
	kpt_kp_arg(&kps[1], "sae-b,Bob,cert:/CN=gw-b");
	kpt_kp_start(&kps[0]);
	kpt_kp_start(&kps[1]);
	sae(&a, 0);
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys?number=2");
	assert_keys(&resp, 2, 136, keys);
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys?number=3");
	assert_etsi_error(&resp, 400, "number must be 1 to 2");
	kpt_request(&a, &resp, "GET", "/api/v1/keys/sae-b/enc_keys?size=128");
	assert_etsi_error(&resp, 400, "136 to 136");
	kpt_client_free(&a);
	kpt_pair_free(kps);

	kpt_kp_init(&kp[0], "Alice");
	kpt_kp_arg(&kp[0], "--help");
	ck_assert_int_eq(kpt_kp_run(&kp[0]), 0);
	ck_assert(kpt_log_has(&kp[0], "--sae ID,SYSTEM[,WHO]"));
	ck_assert(kpt_log_has(&kp[0], "--etsi-max-keys"));
	kpt_kp_free(&kp[0]);
}
END_TEST

Suite *kpt_etsi_suite(void)
{
	Suite *s = suite_create("etsi");
	TCase *tc = tcase_create("etsi");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_etsi_status);
	tcase_add_test(tc, test_etsi_get);
	tcase_add_test(tc, test_etsi_post);
	tcase_add_test(tc, test_etsi_sizes);
	tcase_add_test(tc, test_etsi_unauthorized);
	tcase_add_test(tc, test_etsi_key_ids);
	tcase_add_test(tc, test_etsi_skip_separate);
	tcase_add_test(tc, test_etsi_tls12);
	tcase_add_test(tc, test_etsi_faults);
	tcase_add_test(tc, test_etsi_config);
	suite_add_tcase(s, tc);
	return s;
}
