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

find_package(Qt6 QUIET COMPONENTS Core Gui Widgets Concurrent Test Svg)
sam3_require(Qt6_FOUND "Qt 6 (Core, Gui, Widgets, Concurrent, Test, Svg)" "qt6-base-dev qt6-svg-dev")

# Debian's LibTorch puts TorchConfig.cmake below its own prefix; a CUDA LibTorch 2.x comes
# through CMAKE_PREFIX_PATH or Torch_DIR.
find_package(Torch QUIET PATHS /usr/lib/x86_64-linux-gnu/cmake/Torch /usr/share/cmake/Torch)
sam3_require(Torch_FOUND "LibTorch" "libtorch-dev")
if(NOT DEFINED Torch_VERSION_STRING)
  set(Torch_VERSION_STRING "${Torch_VERSION}")
endif()
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
target_link_libraries(sam3_torch INTERFACE ${TORCH_LIBRARIES} OpenMP::OpenMP_CXX)
target_include_directories(sam3_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
target_compile_options(sam3_torch INTERFACE $<$<COMPILE_LANGUAGE:CXX>:${SAM3_TORCH_CXX_FLAGS}>)
