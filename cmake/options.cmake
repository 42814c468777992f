# One INTERFACE target carries the language level, warnings and sanitizers; every target links it.
add_library(cwc_options INTERFACE)
add_library(cwc::options ALIAS cwc_options)
target_compile_features(cwc_options INTERFACE cxx_std_20)
target_include_directories(cwc_options INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_options(cwc_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
  -Wno-sign-conversion $<$<BOOL:${CWC_WERROR}>:-Werror>)
# g++ 12 at -O2 reports Asio's awaitable-frame allocator (aligned_alloc + sized delete) as a
# mismatched new/delete: a known false positive for C++20 coroutines on Asio.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(cwc_options INTERFACE -Wno-mismatched-new-delete)
endif()
if(CWC_SANITIZE)
  target_compile_options(cwc_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(cwc_options INTERFACE -fsanitize=address,undefined)
endif()
