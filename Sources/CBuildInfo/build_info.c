#include "build_info.h"

#ifndef ACTIVATIOND_REVISION
#define ACTIVATIOND_REVISION "unknown"
#endif

const char *activationd_build_revision(void) {
    return ACTIVATIOND_REVISION;
}
