/*
 * paths.c - locate data files and read whole files (see paths.h).
 *
 * Why relative to the executable: a curator runs bin/twentejobs from
 * anywhere; the lexicons that ship in data/ must still be found without a
 * configuration step.
 */
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char data_dir[PATH_MAX];

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void find_data_dir(void)
{
	const char *env = getenv("TWENTEJOBS_DATA");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(data_dir, sizeof(data_dir), "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			/* bin/twentejobs and build-asan/bin/twentejobs both work */
			for (int up = 1; up <= 2; up++) {
				char cand[PATH_MAX + 16];

				snprintf(cand, sizeof(cand), "%s/%s/data", exe,
					 up == 1 ? ".." : "../..");
				if (is_dir(cand) && realpath(cand, data_dir))
					return;
			}
		}
	}
	snprintf(data_dir, sizeof(data_dir), "data");
}

const char *tj_data_dir(void)
{
	pthread_once(&once, find_data_dir);
	return data_dir;
}

char *tj_data_path(const char *name)
{
	const char *dir = tj_data_dir();
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

enum tj_code tj_read_file(const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t n = 0, alloc = 0;
	enum tj_code rc = TJ_OK;

	*out = NULL;
	if (len)
		*len = 0;
	if (!f)
		return tj_error(TJ_EIO, "cannot read '%s': %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (alloc - n <= 1) {
			size_t na = alloc ? alloc * 2 : 65536;
			char *p;

			if (na > max + 1)
				na = max + 1;
			if (na <= n + 1) {
				/* at the cap: fine if the file ends exactly here */
				int ch = fgetc(f);

				if (ch == EOF)
					break;
				rc = tj_error(TJ_ETOOBIG, "'%s' is larger than %zu bytes", path, max);
				goto out;
			}
			p = realloc(data, na);
			if (!p) {
				rc = tj_error(TJ_ENOMEM, "out of memory reading '%s'", path);
				goto out;
			}
			data = p;
			alloc = na;
		}
		got = fread(data + n, 1, alloc - n - 1, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				rc = tj_error(TJ_EIO, "cannot read '%s': %s", path, strerror(errno));
			break;
		}
	}
out:
	fclose(f);
	if (rc) {
		free(data);
		return rc;
	}
	if (!data && !(data = malloc(1)))
		return tj_error(TJ_ENOMEM, "out of memory reading '%s'", path);
	data[n] = '\0';
	*out = data;
	if (len)
		*len = n;
	return TJ_OK;
}
