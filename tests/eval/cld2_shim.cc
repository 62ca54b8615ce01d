// cld2_shim.cc - a C entry point to CLD2 (a C++ library) for
// tests/eval/bench_classify.c.  Built by scripts/bench-classify only when
// the CLD2 headers are installed (Debian: libcld2-dev).
#include <cstdio>         // before CLD2's header, which uses FILE without it
#include <cstring>
#include <cld2/public/compact_lang_det.h>

namespace CLD2 {
const char *LanguageCode(Language lang);
}

extern "C" void cld2_detect(const char *text, int len, char *out, size_t outlen)
{
	bool reliable = false;
	int valid = 0;
	CLD2::Language lang = CLD2::DetectLanguageCheckUTF8(text, len, true, &reliable, &valid);

	std::snprintf(out, outlen, "%s", CLD2::LanguageCode(lang));
}
