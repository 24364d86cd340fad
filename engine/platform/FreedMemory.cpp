#include "engine/platform/FreedMemory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sam3::platform {

void releaseFreedMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace sam3::platform
