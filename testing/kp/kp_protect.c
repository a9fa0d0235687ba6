/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "kp_protect.h"
#include "kp_log.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

bool kp_protect_process(bool mlock)
{
	struct rlimit none = {};

	umask(077);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setrlimit(RLIMIT_CORE, &none);
	if (mlock && mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
	{
		kp_log(KP_LOG_ERROR, "--mlock: cannot lock memory: %m (raise "
			   "LimitMEMLOCK/ulimit -l)");
		return false;
	}
	return true;
}
