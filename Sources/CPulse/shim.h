#ifndef TERMPLAYER_CPULSE_SHIM_H
#define TERMPLAYER_CPULSE_SHIM_H

#include <pulse/pulseaudio.h>

// PA_VOLUME_NORM and PA_VOLUME_MUTED are cast macros, which Swift cannot import.
static inline pa_volume_t tp_pa_volume_norm(void) { return PA_VOLUME_NORM; }
static inline pa_volume_t tp_pa_volume_muted(void) { return PA_VOLUME_MUTED; }

// PA_STREAM_IS_GOOD and PA_CONTEXT_IS_GOOD are function-like macros.
static inline int tp_pa_context_is_good(pa_context_state_t state) { return PA_CONTEXT_IS_GOOD(state); }
static inline int tp_pa_stream_is_good(pa_stream_state_t state) { return PA_STREAM_IS_GOOD(state); }

#endif
