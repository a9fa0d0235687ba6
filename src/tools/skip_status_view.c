/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_status_view.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

/** largest status document accepted */
#define STATUS_MAX (4 * 1024 * 1024)

/**
 * Read the whole answer of the socket (the plugin writes one document and
 * closes).
 */
static char *read_status(const char *uri, size_t *len)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const char *path = uri;
	size_t size = 0;
	char *buf = NULL;
	ssize_t n;
	int fd;

	if (strncmp(path, "unix://", 7) == 0)
	{
		path += 7;
	}
	if (strlen(path) >= sizeof(addr.sun_path))
	{
		fprintf(stderr, "skip-client: socket path too long: %s\n", path);
		return NULL;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr*)&addr, sizeof(addr)) != 0)
	{
		fprintf(stderr, "skip-client: connecting to %s failed: %s (is "
				"charon running with the skip plugin, and are you root?)\n",
				path, strerror(errno));
		if (fd >= 0)
		{
			close(fd);
		}
		return NULL;
	}
	*len = 0;
	do
	{
		if (*len == size)
		{
			size = size ? size * 2 : 65536;
			buf = realloc(buf, size + 1);
			if (!buf || size > STATUS_MAX)
			{
				fprintf(stderr, "skip-client: status too large\n");
				free(buf);
				close(fd);
				return NULL;
			}
		}
		n = read(fd, buf + *len, size - *len);
		if (n > 0)
		{
			*len += n;
		}
	}
	while (n > 0 || (n < 0 && errno == EINTR));
	close(fd);
	if (n < 0)
	{
		fprintf(stderr, "skip-client: reading the status failed: %s\n",
				strerror(errno));
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

/** a string member, or a placeholder */
static const char *str(json_object *obj, const char *name, const char *none)
{
	json_object *member;

	if (!json_object_object_get_ex(obj, name, &member) ||
		!json_object_is_type(member, json_type_string))
	{
		return none;
	}
	return json_object_get_string(member);
}

/** an integer member, or -1 */
static int64_t num(json_object *obj, const char *name)
{
	json_object *member;

	if (!json_object_object_get_ex(obj, name, &member) ||
		!json_object_is_type(member, json_type_int))
	{
		return -1;
	}
	return json_object_get_int64(member);
}

/** an array member, or NULL */
static json_object *array(json_object *obj, const char *name)
{
	json_object *member;

	if (!json_object_object_get_ex(obj, name, &member) ||
		!json_object_is_type(member, json_type_array))
	{
		return NULL;
	}
	return member;
}

/**
 * Whether key requests to a KP fail at once, and the keys it keeps ready.
 */
static void print_kp_keys(json_object *kp)
{
	json_object *prefetch;

	if (num(kp, "refusing_keys_since") >= 0)
	{
		printf("               key requests fail at once: no answer in time "
			   "%lld s ago\n", (long long)num(kp, "refusing_keys_since"));
	}
	if (json_object_object_get_ex(kp, "prefetch", &prefetch) &&
		json_object_is_type(prefetch, json_type_object))
	{
		printf("               prefetch: %lld keys ready, %lld used, %lld "
			   "wiped unused\n", (long long)num(prefetch, "ready"),
			   (long long)num(prefetch, "used"),
			   (long long)num(prefetch, "discarded"));
	}
}

static void print_kps(json_object *kps)
{
	json_object *kp, *healthy;
	size_t i;

	printf("Key Providers:\n");
	for (i = 0; i < json_object_array_length(kps); i++)
	{
		kp = json_object_array_get_idx(kps, i);
		printf("  %-12s %-8s %s\n", str(kp, "name", "?"),
			   str(kp, "protocol", "?"), str(kp, "url", "?"));
		printf("               system ID '%s', ", str(kp, "system_id", "-"));
		if (num(kp, "checked_ago") < 0)
		{
			printf("not checked yet\n");
		}
		else
		{
			json_object_object_get_ex(kp, "healthy", &healthy);
			printf("last check %lld s ago: %s\n",
				   (long long)num(kp, "checked_ago"),
				   json_object_get_boolean(healthy) ? "ok"
								: str(kp, "last_error", "failed"));
		}
		print_kp_keys(kp);
	}
}

static void print_counters(json_object *counters)
{
	json_object *failures;

	printf("Counters (since charon started):\n");
	printf("  keys fetched: %lld new (initiator), %lld by keyId (responder), "
		   "%lld from a fallback KP\n", (long long)num(counters, "keys_new"),
		   (long long)num(counters, "keys_by_id"),
		   (long long)num(counters, "fallbacks"));
	printf("  IKE_SAs without PPK (ppk_required = no): %lld, refused for "
		   "lacking the required PPK: %lld\n",
		   (long long)num(counters, "without_ppk"),
		   (long long)num(counters, "refused"));
	if (json_object_object_get_ex(counters, "failures", &failures) &&
		json_object_is_type(failures, json_type_object))
	{
		json_object_object_foreach(failures, reason, count)
		{
			printf("  failed KP requests, %s: %lld\n", reason,
				   (long long)json_object_get_int64(count));
		}
	}
}

/** a member object, or NULL */
static json_object *object(json_object *obj, const char *name)
{
	json_object *member;

	if (!obj || !json_object_object_get_ex(obj, name, &member) ||
		!json_object_is_type(member, json_type_object))
	{
		return NULL;
	}
	return member;
}

/** durations of the KP calls and what the state table holds (plugins
 *  before 0.2.0 report neither) */
static void print_kp_calls(json_object *doc)
{
	json_object *calls = object(doc, "kp_calls"), *memory = object(doc, "memory");
	json_object *dir;
	const char *role[] = { "initiator", "responder" };
	int i;

	for (i = 0; calls && i < 2; i++)
	{
		dir = object(calls, role[i]);
		if (dir && num(dir, "count") > 0)
		{
			printf("  KP calls as %s: %lld, p50 %lld us, p99 %lld us, "
				   "max %lld us\n", role[i], (long long)num(dir, "count"),
				   (long long)num(dir, "p50_us"), (long long)num(dir, "p99_us"),
				   (long long)num(dir, "max_us"));
		}
	}
	if (memory)
	{
		printf("  state table: %lld IKE_SAs, %lld bytes (%lld per state "
			   "plus strings, keys and PPK_IDs)\n",
			   (long long)num(memory, "sa_states"),
			   (long long)num(memory, "sa_bytes"),
			   (long long)num(memory, "sa_state_size"));
	}
}

static void print_sas(json_object *sas)
{
	json_object *sa;
	size_t i;

	printf("IKE_SAs with SKIP state: %zu\n", json_object_array_length(sas));
	for (i = 0; i < json_object_array_length(sas); i++)
	{
		sa = json_object_array_get_idx(sas, i);
		printf("  #%-6lld %-9s KP '%s', peer system ID '%s', keyId %s\n",
			   (long long)num(sa, "id"), str(sa, "role", "?"),
			   str(sa, "kp", "-"), str(sa, "peer_system_id", "-"),
			   str(sa, "key_id", "-"));
	}
}

int skip_status_view(const char *uri, bool json)
{
	json_object *doc, *kps, *sas, *counters;
	size_t len;
	char *text;

	text = read_status(uri, &len);
	if (!text)
	{
		return 1;
	}
	doc = json_tokener_parse(text);
	kps = doc ? array(doc, "kps") : NULL;
	sas = doc ? array(doc, "sas") : NULL;
	if (!kps || !sas || !json_object_object_get_ex(doc, "counters", &counters))
	{
		fprintf(stderr, "skip-client: the socket did not answer with a status\n");
		json_object_put(doc);
		free(text);
		return 1;
	}
	if (json)
	{
		printf("%s\n", json_object_to_json_string_ext(doc,
												JSON_C_TO_STRING_PRETTY));
	}
	else
	{
		print_kps(kps);
		print_counters(counters);
		print_kp_calls(doc);
		print_sas(sas);
	}
	json_object_put(doc);
	free(text);
	return 0;
}
