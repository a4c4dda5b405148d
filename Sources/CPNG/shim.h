#ifndef TERMPLAYER_CPNG_SHIM_H
#define TERMPLAYER_CPNG_SHIM_H

// libpng's simplified API (png_image_*), which reports errors in the png_image's message instead of
// through setjmp/longjmp. PNG_IMAGE_SIZE and friends are macros; the facade computes sizes itself.
#include <png.h>

// The pixel formats the facade uses. png.h builds them from other macros (PNG_FORMAT_RGBA is
// PNG_FORMAT_RGB | PNG_FORMAT_FLAG_ALPHA, PNG_FORMAT_RGB is PNG_FORMAT_FLAG_COLOR), which Swift does
// not import, so they are spelled out here.
static inline png_uint_32 tp_png_format_rgba(void) { return PNG_FORMAT_RGBA; }
static inline png_uint_32 tp_png_format_rgb(void) { return PNG_FORMAT_RGB; }
static inline png_uint_32 tp_png_format_gray(void) { return PNG_FORMAT_GRAY; }
static inline png_uint_32 tp_png_format_linear_rgb(void) { return PNG_FORMAT_LINEAR_RGB; }
static inline png_uint_32 tp_png_format_rgb_colormap(void) { return PNG_FORMAT_RGB_COLORMAP; }

#endif
