#ifndef TERMPLAYER_CCHAFA_SHIM_H
#define TERMPLAYER_CCHAFA_SHIM_H

// libchafa 1.12 (Debian 12): raw pixels in, sixels (and symbols) out. Its strings are GLib's GString,
// freed with g_string_free; the facade copies what it needs and frees them at once.
#include <chafa.h>

// Newer GLib (2.76+) turns g_string_free into a macro that Swift cannot call; this wrapper works with
// every version. Frees the string and its characters.
static inline void termplayer_gstring_free(GString *string) {
    g_string_free(string, TRUE);
}

#endif
