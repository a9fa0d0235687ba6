/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_sa_table.h"

#include <collections/hashtable.h>
#include <threading/mutex.h>

typedef struct private_skip_sa_table_t private_skip_sa_table_t;

struct private_skip_sa_table_t {

	/** public interface */
	skip_sa_table_t public;

	/** unique ID => skip_sa_t */
	hashtable_t *sas;

	/** protects sas */
	mutex_t *mutex;
};

void skip_sa_reset_key(skip_sa_t *sa)
{
	chunk_clear(&sa->key);
	memwipe(sa->key_id, sizeof(sa->key_id));
	sa->fetched = FALSE;
}

static void sa_destroy(skip_sa_t *sa)
{
	chunk_clear(&sa->key);
	memwipe(sa, sizeof(*sa));
	free(sa);
}

METHOD(skip_sa_table_t, lock, skip_sa_t*,
	private_skip_sa_table_t *this, uint32_t id, bool create)
{
	skip_sa_t *sa;

	this->mutex->lock(this->mutex);
	sa = this->sas->get(this->sas, (void*)(uintptr_t)id);
	if (!sa && create)
	{
		INIT(sa);
		this->sas->put(this->sas, (void*)(uintptr_t)id, sa);
	}
	return sa;
}

METHOD(skip_sa_table_t, unlock, void,
	private_skip_sa_table_t *this)
{
	this->mutex->unlock(this->mutex);
}

METHOD(skip_sa_table_t, remove_, bool,
	private_skip_sa_table_t *this, uint32_t id)
{
	skip_sa_t *sa;

	this->mutex->lock(this->mutex);
	sa = this->sas->remove(this->sas, (void*)(uintptr_t)id);
	this->mutex->unlock(this->mutex);
	if (sa)
	{
		sa_destroy(sa);
	}
	return sa != NULL;
}

METHOD(skip_sa_table_t, get_count, u_int,
	private_skip_sa_table_t *this)
{
	u_int count;

	this->mutex->lock(this->mutex);
	count = this->sas->get_count(this->sas);
	this->mutex->unlock(this->mutex);
	return count;
}

METHOD(skip_sa_table_t, destroy, void,
	private_skip_sa_table_t *this)
{
	this->sas->destroy_function(this->sas, (void*)sa_destroy);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
skip_sa_table_t *skip_sa_table_create()
{
	private_skip_sa_table_t *this;

	INIT(this,
		.public = {
			.lock = _lock,
			.unlock = _unlock,
			.remove = _remove_,
			.get_count = _get_count,
			.destroy = _destroy,
		},
		.sas = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr, 32),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}
