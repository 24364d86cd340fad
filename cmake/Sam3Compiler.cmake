# Compiler settings shared by every target: warnings, Qt keyword hygiene, ccache, sanitizers.

find_program(SAM3_CCACHE ccache)
if(SAM3_CCACHE)
  set(CMAKE_C_COMPILER_LAUNCHER "${SAM3_CCACHE}")
  set(CMAKE_CXX_COMPILER_LAUNCHER "${SAM3_CCACHE}")
  set(CMAKE_CUDA_COMPILER_LAUNCHER "${SAM3_CCACHE}")
  message(STATUS "ccache: ${SAM3_CCACHE}")
endif()

# Qt's `slots`/`signals`/`emit` macros break LibTorch headers (DESIGN.md §8).
add_compile_definitions(QT_NO_KEYWORDS)

set(SAM3_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined")
if(SAM3_SANITIZE)
  add_compile_options(-fsanitize=${SAM3_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=${SAM3_SANITIZE})
endif()

# Warnings for our own targets only (third-party headers come in as SYSTEM). Aggregates whose
# members have defaults (action tables, records) are filled partially on purpose. -Wshadow: a
# local named like a member or parameter hides which one is meant (it found three, all in
# engine/sam3, renamed).
function(sam3_target_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wshadow -Wno-unused-parameter -Wno-missing-field-initializers>)
endfunction()
