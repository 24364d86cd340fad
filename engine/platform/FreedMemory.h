#pragma once
// Gives the memory the allocator keeps after large temporaries were freed back to the system.

namespace sam3::platform {

// glibc keeps freed blocks of its arenas mapped (a graph run leaves hundreds of megabytes of
// them per thread arena); malloc_trim returns them. A no-op elsewhere.
void releaseFreedMemory();

}  // namespace sam3::platform
