/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_control.h"

#include <library.h>
#include <errno.h>
#include <sys/stat.h>

#include <json-c/json.h>

typedef struct private_skip_control_t private_skip_control_t;

struct private_skip_control_t {

	/** public interface */
	skip_control_t public;

	/** KP profiles */
	skip_kp_set_t *kps;

	/** per-IKE_SA state */
	skip_sa_table_t *sas;

	/** counters */
	skip_stats_t *stats;

	/** the socket */
	stream_service_t *service;
};

/**
 * The keys a profile keeps ready (prefetch).
 */
static json_object *prefetch_json(skip_kp_health_t *health)
{
	json_object *obj = json_object_new_object();

	json_object_object_add(obj, "ready",
						   json_object_new_int64(health->prefetch_ready));
	json_object_object_add(obj, "used",
						   json_object_new_int64(health->prefetch_used));
	json_object_object_add(obj, "discarded",
						   json_object_new_int64(health->prefetch_discarded));
	return obj;
}

/**
 * Each KP profile.
 */
static json_object *kps_json(private_skip_control_t *this)
{
	json_object *list = json_object_new_array(), *obj;
	enumerator_t *enumerator;
	skip_kp_health_t health;
	skip_sid_log_t esc;
	skip_kp_t *kp;

	enumerator = this->kps->create_enumerator(this->kps);
	while (enumerator->enumerate(enumerator, &kp))
	{
		kp->get_health(kp, &health);
		obj = json_object_new_object();
		json_object_object_add(obj, "name",
							   json_object_new_string(kp->get_name(kp)));
		json_object_object_add(obj, "url", json_object_new_string(health.url));
		json_object_object_add(obj, "protocol",
							   json_object_new_string(health.protocol));
		json_object_object_add(obj, "system_id", health.system_id[0] ?
			json_object_new_string(skip_sid_log(health.system_id, &esc)) : NULL);
		json_object_object_add(obj, "checked_ago", health.checked_ago < 0 ?
							   NULL : json_object_new_int64(health.checked_ago));
		json_object_object_add(obj, "healthy",
							   json_object_new_boolean(health.ok));
		json_object_object_add(obj, "last_error", health.error[0] ?
							   json_object_new_string(health.error) : NULL);
		json_object_object_add(obj, "refusing_keys_since",
							   health.refusing_ago < 0 ? NULL :
							   json_object_new_int64(health.refusing_ago));
		json_object_object_add(obj, "prefetch",
							   health.prefetch ? prefetch_json(&health) : NULL);
		json_object_array_add(list, obj);
	}
	enumerator->destroy(enumerator);
	return list;
}

/**
 * The counters; failures by reason, only those that happened.
 */
static json_object *counters_json(private_skip_control_t *this)
{
	json_object *obj = json_object_new_object(), *failures;
	skip_stats_values_t v;
	int i;

	this->stats->get(this->stats, &v);
	json_object_object_add(obj, "keys_new", json_object_new_int64(v.keys_new));
	json_object_object_add(obj, "keys_by_id",
						   json_object_new_int64(v.keys_by_id));
	json_object_object_add(obj, "fallbacks",
						   json_object_new_int64(v.fallbacks));
	json_object_object_add(obj, "without_ppk",
						   json_object_new_int64(v.without_ppk));
	json_object_object_add(obj, "refused", json_object_new_int64(v.refused));
	failures = json_object_new_object();
	for (i = 0; i < SKIP_STATS_STATUS_MAX; i++)
	{
		if (v.failures[i])
		{
			json_object_object_add(failures, skip_status_name(i),
								   json_object_new_int64(v.failures[i]));
		}
	}
	json_object_object_add(obj, "failures", failures);
	return obj;
}

/**
 * How long one direction's KP calls took (us).
 */
static json_object *latency_json(const skip_latency_t *latency)
{
	json_object *obj = json_object_new_object(), *buckets, *bucket;
	u_int i;

	json_object_object_add(obj, "count", json_object_new_int64(latency->count));
	json_object_object_add(obj, "p50_us", json_object_new_int64(
							skip_latency_percentile(latency, 50)));
	json_object_object_add(obj, "p99_us", json_object_new_int64(
							skip_latency_percentile(latency, 99)));
	json_object_object_add(obj, "max_us",
						   json_object_new_int64(latency->max_us));
	json_object_object_add(obj, "mean_us", json_object_new_int64(
			latency->count ? latency->sum_us / latency->count : 0));
	/* [upper bound (us), count] of the buckets that counted a call: two
	 * documents subtracted give the calls in between (bench-plugin.sh) */
	buckets = json_object_new_array();
	for (i = 0; i < SKIP_LATENCY_BUCKETS; i++)
	{
		if (latency->buckets[i])
		{
			bucket = json_object_new_array();
			json_object_array_add(bucket, json_object_new_int64(
									skip_latency_bucket_max(i)));
			json_object_array_add(bucket, json_object_new_int64(
									latency->buckets[i]));
			json_object_array_add(buckets, bucket);
		}
	}
	json_object_object_add(obj, "buckets", buckets);
	return obj;
}

/**
 * The KP calls that delivered a key, by direction.
 */
static json_object *kp_calls_json(private_skip_control_t *this)
{
	json_object *obj = json_object_new_object();
	skip_stats_values_t v;

	this->stats->get(this->stats, &v);
	json_object_object_add(obj, "initiator", latency_json(&v.latency_new));
	json_object_object_add(obj, "responder", latency_json(&v.latency_by_id));
	return obj;
}

/**
 * What the state table holds.
 */
static json_object *memory_json(private_skip_control_t *this)
{
	json_object *obj = json_object_new_object();
	size_t state_size, bytes;

	bytes = this->sas->get_bytes(this->sas, &state_size);
	json_object_object_add(obj, "sa_states",
						   json_object_new_int64(this->sas->get_count(this->sas)));
	json_object_object_add(obj, "sa_state_size",
						   json_object_new_int64(state_size));
	json_object_object_add(obj, "sa_bytes", json_object_new_int64(bytes));
	return obj;
}

CALLBACK(sa_json, void,
	json_object *list, const skip_sa_info_t *info)
{
	json_object *obj = json_object_new_object();
	skip_sid_log_t esc;

	json_object_object_add(obj, "id", json_object_new_int64(info->unique_id));
	json_object_object_add(obj, "role", json_object_new_string(
							info->initiator ? "initiator" : "responder"));
	json_object_object_add(obj, "kp", info->kp ?
				json_object_new_string(info->kp->get_name(info->kp)) : NULL);
	/* system IDs are any bytes: escaped as in log lines, so JSON stays UTF-8 */
	json_object_object_add(obj, "peer_system_id", info->peer_sid[0] ?
			json_object_new_string(skip_sid_log(info->peer_sid, &esc)) : NULL);
	json_object_object_add(obj, "key_id", info->key_id[0] ?
						   json_object_new_string(info->key_id) : NULL);
	json_object_array_add(list, obj);
}

/**
 * Answer a connection with the status and close it.
 */
static bool on_accept(private_skip_control_t *this, stream_t *stream)
{
	json_object *doc = json_object_new_object(), *sas;
	const char *text;

	json_object_object_add(doc, "kps", kps_json(this));
	json_object_object_add(doc, "counters", counters_json(this));
	json_object_object_add(doc, "kp_calls", kp_calls_json(this));
	json_object_object_add(doc, "memory", memory_json(this));
	sas = json_object_new_array();
	this->sas->list(this->sas, sa_json, sas);
	json_object_object_add(doc, "sas", sas);
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
	if (!stream->write_all(stream, (void*)text, strlen(text)) ||
		!stream->write_all(stream, "\n", 1))
	{
		DBG2(DBG_CFG, "SKIP: writing to the status socket failed");
	}
	json_object_put(doc);
	stream->destroy(stream);
	return TRUE;
}

METHOD(skip_control_t, destroy, void,
	private_skip_control_t *this)
{
	DESTROY_IF(this->service);
	free(this);
}

/*
 * Described in header
 */
skip_control_t *skip_control_create(skip_kp_set_t *kps, skip_sa_table_t *sas,
									skip_stats_t *stats)
{
	private_skip_control_t *this;
	char *uri;

	INIT(this,
		.public = {
			.destroy = _destroy,
		},
		.kps = kps,
		.sas = sas,
		.stats = stats,
	);
	uri = lib->settings->get_str(lib->settings, "%s.plugins.skip.socket",
								 SKIP_CONTROL_SOCKET, lib->ns);
	this->service = lib->streams->create_service(lib->streams, uri, 10);
	if (!this->service)
	{
		DBG1(DBG_CFG, "SKIP: creating the status socket %s failed", uri);
		destroy(this);
		return NULL;
	}
	if (strpfx(uri, "unix://") && chmod(uri + strlen("unix://"), 0600) != 0)
	{	/* what the status shows is for root only */
		DBG1(DBG_CFG, "SKIP: making the status socket %s root-only failed: "
			 "%s", uri, strerror(errno));
		destroy(this);
		return NULL;
	}
	this->service->on_accept(this->service, (stream_service_cb_t)on_accept,
							 this, JOB_PRIO_CRITICAL, 1);
	return &this->public;
}
