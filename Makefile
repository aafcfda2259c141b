# Makefile - short names for the CMake build. See README.md.
#   make          release build (build/)
#   make test     unit, golden, end-to-end and fuzz-corpus tests, then the same under
#                 ASan+UBSan, then the format check
#   make demo     build and run the demo on embedded defaults
#   make asan     ASan+UBSan build and test run only (build-asan/)
#   make fuzz     libFuzzer targets with clang (build-fuzz/)
#   make bench    benchmarks (see docs/BENCHMARKS.md)
#   make conformance  Sigma semantics against the independent oracle in ../shared/oracle
#   make format / make format-check
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE ?= cmake
SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find include src cli tests fuzz bench -name '*.[ch]')

.PHONY: all deps deps-test build test unit asan fuzz bench demo format format-check clean conformance

all: build

deps:
	@sh scripts/deps.sh

deps-test:
	@sh scripts/deps.sh --test

build/Makefile:
	$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=Release

build: deps build/Makefile
	$(CMAKE) --build build -j $(JOBS)

unit: build
	cd build && ctest --output-on-failure -j $(JOBS)

build-asan/Makefile:
	CC=clang $(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DVG_SANITIZE=ON

asan: deps-test build-asan/Makefile
	$(CMAKE) --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS)

test: format-check asan unit

build-fuzz/Makefile:
	CC=clang $(CMAKE) -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DVG_FUZZ=ON

fuzz: deps build-fuzz/Makefile
	$(CMAKE) --build build-fuzz -j $(JOBS)
	@echo "fuzz targets are in build-fuzz/fuzz/; e.g. build-fuzz/fuzz/fuzz_stix fuzz/corpus/stix"

bench: build
	sh bench/run.sh

conformance: build
	build/tests/sigma_conformance ../shared/oracle tests/sigma/conformance-explained.txt ../shared/evtx

demo: deps build/Makefile
	$(CMAKE) --build build -j $(JOBS) --target vigil-cli -- --no-print-directory
	sh scripts/demo.sh

format:
	clang-format -i $(SOURCES)

format-check:
	@clang-format --dry-run --Werror $(SOURCES) && echo "format-check: ok"

clean:
	rm -rf build build-asan build-fuzz
