# Finds the libraries SAM3 Annotate needs; a missing one stops configuration with the apt package
# that provides it instead of a CMake backtrace.

function(sam3_require found what package)
  if(NOT ${found})
    message(FATAL_ERROR
      "\n${what} was not found.\n"
      "Install it with:  sudo apt-get install ${package}\n"
      "or run tools/install_deps.sh, which installs everything the build needs.\n")
  endif()
endfunction()

if(SAM3_WITH_QT)
  find_package(Qt6 QUIET COMPONENTS Core Gui Widgets Concurrent Test Svg)
  sam3_require(Qt6_FOUND "Qt 6 (Core, Gui, Widgets, Concurrent, Test, Svg)" "qt6-base-dev qt6-svg-dev")
endif()

# Debian's LibTorch puts TorchConfig.cmake below its own prefix; a CUDA LibTorch 2.x comes
# through CMAKE_PREFIX_PATH or Torch_DIR.
# A CUDA LibTorch adds -gencode flags for TORCH_CUDA_ARCH_LIST (default: every architecture it
# knows, sm_50 included, which nvcc 13 refuses) to our .cu files: the architectures we build.
if(NOT DEFINED TORCH_CUDA_ARCH_LIST AND NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
  set(TORCH_CUDA_ARCH_LIST "8.0;9.0")
endif()
# TorchConfig finds libtorch.so and libc10.so with find_library(... PATHS its prefix), which
# looks in the system folders first: with Debian's libtorch-dev also installed, a pip LibTorch
# linked Debian's libc10.so.1.13 beside its own 2.x and aborted at start-up. Pin both to the
# LibTorch being configured.
set(_sam3_torch_configs)
foreach(_prefix IN LISTS CMAKE_PREFIX_PATH)
  list(APPEND _sam3_torch_configs "${_prefix}/Torch")
endforeach()
if(Torch_DIR)
  list(PREPEND _sam3_torch_configs "${Torch_DIR}")
endif()
foreach(_config IN LISTS _sam3_torch_configs)
  get_filename_component(_root "${_config}/../../.." ABSOLUTE)
  if(EXISTS "${_config}/TorchConfig.cmake" AND EXISTS "${_root}/lib/libc10.so")
    set(TORCH_LIBRARY "${_root}/lib/libtorch.so" CACHE FILEPATH "LibTorch's libtorch" FORCE)
    set(c10_LIBRARY "${_root}/lib/libc10.so" CACHE FILEPATH "LibTorch's libc10" FORCE)
    break()
  endif()
endforeach()
find_package(Torch QUIET PATHS /usr/lib/x86_64-linux-gnu/cmake/Torch /usr/share/cmake/Torch)
sam3_require(Torch_FOUND "LibTorch" "libtorch-dev")
if(NOT DEFINED Torch_VERSION_STRING)
  set(Torch_VERSION_STRING "${Torch_VERSION}")
endif()
# Read by tools (check_model.sh picks the bundle's target LibTorch from it).
set(SAM3_TORCH_VERSION "${Torch_VERSION_STRING}" CACHE INTERNAL "LibTorch version this build uses")
# TorchConfig puts its flags (e.g. the C++ ABI define) into TORCH_CXX_FLAGS, not onto the target.
separate_arguments(SAM3_TORCH_CXX_FLAGS UNIX_COMMAND "${TORCH_CXX_FLAGS}")
set(SAM3_TORCH_HAS_CUDA OFF)
if(TARGET torch_cuda OR TORCH_CUDA_LIBRARIES)
  set(SAM3_TORCH_HAS_CUDA ON)
endif()

find_package(OpenCV QUIET COMPONENTS core imgproc imgcodecs)
sam3_require(OpenCV_FOUND "OpenCV 4 (core, imgproc, imgcodecs)" "libopencv-dev")

find_package(nlohmann_json 3 QUIET)
sam3_require(nlohmann_json_FOUND "nlohmann-json 3" "nlohmann-json3-dev")

find_package(ICU QUIET COMPONENTS uc i18n)
sam3_require(ICU_FOUND "ICU (Unicode text handling for the tokenizer)" "libicu-dev")
find_package(ZLIB QUIET)
sam3_require(ZLIB_FOUND "zlib" "zlib1g-dev")

find_package(Threads REQUIRED)
# ATen's at::parallel_for is a header template around `#pragma omp parallel`: code that calls it
# must itself be compiled with OpenMP, or it silently runs on one thread.
find_package(OpenMP REQUIRED COMPONENTS CXX)

# One interface target that carries LibTorch with its compile flags, for engine/ targets only.
add_library(sam3_torch INTERFACE)
target_link_libraries(sam3_torch INTERFACE ${TORCH_LIBRARIES})
# PyPI's torch wheel carries its own libgomp.so.1, loaded by libtorch_cpu: a process holds one
# libgomp, so our OpenMP code links that one too instead of GCC's (same soname, which CMake
# would otherwise warn may shadow the other in the run path).
find_library(SAM3_TORCH_LIBGOMP NAMES libgomp.so.1 PATHS "${TORCH_INSTALL_PREFIX}/lib" NO_DEFAULT_PATH)
if(SAM3_TORCH_LIBGOMP)
  target_compile_options(sam3_torch INTERFACE $<$<COMPILE_LANGUAGE:CXX>:${OpenMP_CXX_FLAGS}>)
  target_link_libraries(sam3_torch INTERFACE "${SAM3_TORCH_LIBGOMP}")
else()
  target_link_libraries(sam3_torch INTERFACE OpenMP::OpenMP_CXX)
endif()
target_include_directories(sam3_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
target_compile_options(sam3_torch INTERFACE $<$<COMPILE_LANGUAGE:CXX>:${SAM3_TORCH_CXX_FLAGS}>)
