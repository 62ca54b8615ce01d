/*
 * clock_util.c - wall-clock timestamps and interruptible sleeps.
 *
 * Purpose: the request log needs epoch milliseconds (tests compare them with
 * their own wall clock), and the slow/stall fault endpoints need to sleep for a
 * long time without keeping mg_stop() waiting.
 *
 * How it works: clock_now_ms() reads CLOCK_REALTIME. clock_sleep_ms() sleeps
 * in slices of at most 20 ms on CLOCK_MONOTONIC (so wall-clock jumps do not
 * stretch a sleep) and checks the stop flag between slices.
 *
 * Limits: shutdown is noticed within ~20 ms; the sleep may overshoot by a
 * scheduler tick.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* strptime, timegm, *_r, clock_gettime */
#endif

#include "clock_util.h"

#include <errno.h>
#include <time.h>

long long clock_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		return 0;
	}
	return (long long)ts.tv_sec * 1000LL + (long long)(ts.tv_nsec / 1000000L);
}

/* Nanoseconds, not milliseconds: rounding "now" down to a millisecond
 * would let a sleep end up to 1 ms early, and tests assert the minimum. */
static long long monotonic_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		return 0;
	}
	return (long long)ts.tv_sec * 1000000000LL + (long long)ts.tv_nsec;
}

int clock_sleep_ms(long ms, const atomic_int *stop)
{
	const long long slice_ns = 20LL * 1000000LL;
	long long deadline = monotonic_ns() + (long long)ms * 1000000LL;

	for (;;) {
		long long left;
		struct timespec ts;

		if (stop != NULL && atomic_load(stop) != 0) {
			return 1;
		}
		left = deadline - monotonic_ns();
		if (left <= 0) {
			return 0;
		}
		if (left > slice_ns) {
			left = slice_ns;
		}
		ts.tv_sec = (time_t)(left / 1000000000LL);
		ts.tv_nsec = (long)(left % 1000000000LL);
		/* EINTR just means we loop and re-check the deadline. */
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
		}
	}
}
