// The checkpoint unpickler from any bytes: it returns a value or throws UnpicklingError; it
// never reads outside the buffer, never runs code, and never recurses or allocates without bound.
#include "engine/weights/RestrictedUnpickler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    (void)sam3::weights::unpickleRestricted(data, size);
  } catch (const sam3::weights::UnpicklingError&) {
  }
  return 0;
}
