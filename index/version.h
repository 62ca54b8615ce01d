/* version.h - the release version, used in --version and the User-Agent. */
#ifndef TJ_VERSION_H
#define TJ_VERSION_H
#define TJ_VERSION "0.1.0"
#define TJ_CONTACT_URL "https://github.com/twentejobs/twentejobs"
#endif
