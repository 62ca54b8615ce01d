/*
 * clock_util.h - wall-clock timestamps and interruptible sleeps.
 */
#ifndef CLOCK_UTIL_H
#define CLOCK_UTIL_H

#include <stdatomic.h>

/* Milliseconds since the Unix epoch (CLOCK_REALTIME). */
long long clock_now_ms(void);

/* Sleep about `ms` milliseconds, waking early when *stop becomes non-zero.
 * Returns 1 when interrupted by *stop, 0 when the full time elapsed. */
int clock_sleep_ms(long ms, const atomic_int *stop);

#endif
