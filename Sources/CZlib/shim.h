// zlib's inflateInit2 is a macro, which Swift cannot call: a function wraps it.
#ifndef TRACEGRAPH_CZLIB_SHIM_H
#define TRACEGRAPH_CZLIB_SHIM_H

#include <zlib.h>

/// Starts inflating gzip or zlib data, whichever the header says (window bits 15 + 32).
static inline int czlib_inflate_init_auto(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}

#endif
