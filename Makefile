# The two commands of README.md, and the other entry points. Every target
# first installs missing Debian packages (scripts/deps.sh), then configures
# and builds with CMake in build/ (build-asan/ for the sanitizer run).
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
OUT        ?= $(BUILD)/out
CMAKE_FLAGS ?=

.PHONY: all deps build run test test-fast test-asan test-release bench bench-build fuzz clean kb

all: build

deps:
	@sh scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# Analyse the bundled sample articles and show the summary. $(wildcard)
# keeps a pattern that matches nothing off the command line.
EXAMPLES = $(wildcard examples/*.md examples/*.txt examples/*.html examples/*.pdf)

run: build
	@./$(BUILD)/ctix analyze $(EXAMPLES) -o $(OUT)

# The whole suite: the normal build, then once more under ASan + UBSan,
# then a compile of the optimised build `make bench` uses (its warnings
# differ from the other two).
test: test-fast test-asan test-release

test-fast: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCTIX_SANITIZE=ON \
	  -DCTIX_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

bench-build: deps
	@cmake -S . -B $(BUILD)-release -DCMAKE_BUILD_TYPE=Release -DCTIX_TESTS=OFF \
	  $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)-release -j $(JOBS)

test-release: bench-build

bench: bench-build
	@sh scripts/bench.sh $(BUILD)-release

fuzz: deps
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	  -DCTIX_FUZZ=ON -DCTIX_TESTS=OFF -DCTIX_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@echo "fuzz targets in $(FUZZ_BUILD)/fuzz/: run e.g. $(FUZZ_BUILD)/fuzz/fuzz_html fuzz/corpus/html"

# Regenerate the knowledge-base tables data/kb from ../shared/data, then
# rebuild so the binary embeds them (docs/kb.md).
SHARED ?= ../shared
kb: build
	@sh scripts/kb-build.sh ./$(BUILD)/ctix $(SHARED)/data data/kb
	@cmake --build $(BUILD) -j $(JOBS)

clean:
	rm -rf $(BUILD) $(BUILD)-release $(ASAN_BUILD) $(FUZZ_BUILD)
