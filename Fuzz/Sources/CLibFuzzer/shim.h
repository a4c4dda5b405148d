#ifndef TERMPLAYER_CLIBFUZZER_SHIM_H
#define TERMPLAYER_CLIBFUZZER_SHIM_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's documented entry for programs that keep their own main: it reads libFuzzer's flags from
/// argv and calls `callback` once per input until a crash or a limit.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
