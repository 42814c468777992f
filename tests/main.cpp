// The doctest main shared by every test executable; the cases live beside it, one folder per library.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
