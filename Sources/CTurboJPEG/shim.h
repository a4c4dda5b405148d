#ifndef TERMPLAYER_CTURBOJPEG_SHIM_H
#define TERMPLAYER_CTURBOJPEG_SHIM_H

// TurboJPEG: libjpeg-turbo's API that reports errors as return codes (tjGetErrorStr2), never through
// setjmp/longjmp, which Swift cannot take part in; it also scales while decoding. Nothing is variadic.
#include <turbojpeg.h>

#endif
