/*
 * traincost plugin ABI v1 -- C header.
 *
 * A plugin is a shared library exporting one function,
 *
 *     const TcPluginV1 *traincost_plugin_v1_<name>(void);
 *
 * where <name> is the library file name without the "lib" prefix and the extension, with
 * '-' replaced by '_' (libmy_prices.so exports traincost_plugin_v1_my_prices). It returns a
 * pointer to a static, immutable descriptor. Payloads are UTF-8 JSON (schemas in
 * crates/plugin/schema/v1/). The plugin writes its output through the host's sink; no memory
 * changes owner. Functions must not unwind or throw across this boundary, and are called from
 * any thread but never concurrently. The library is never unloaded.
 *
 * Spec: docs/PLUGINS.md. This layout is checked against the Rust SDK by a test.
 */
#ifndef TRAINCOST_PLUGIN_H
#define TRAINCOST_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TC_ABI_MAJOR 1
#define TC_ABI_MINOR 1

/* Return codes of describe and evaluate. */
#define TC_OK 0    /* the sink holds the manifest or the response */
#define TC_ERROR 1 /* the sink holds {"code": "...", "message": "...", "details": ...} */
#define TC_PANIC 2 /* a caught panic or exception; the sink holds the same error object */

/* Host-owned output buffer. write() appends len bytes and returns 0, or non-zero if the host
 * refuses them (payload too large). Valid only during the call it is passed to. */
typedef struct TcSink {
    void *ctx;
    int32_t (*write)(void *ctx, const uint8_t *data, size_t len);
} TcSink;

/* Append-only: new fields go at the end and raise abi_minor; a host reads a field only if
 * struct_size covers it. */
typedef struct TcPluginV1 {
    uint32_t abi_major;   /* TC_ABI_MAJOR, always at offset 0 */
    uint32_t abi_minor;   /* TC_ABI_MINOR */
    uint32_t struct_size; /* sizeof(TcPluginV1) */
    uint32_t reserved;    /* 0 */
    const char *name;     /* NUL-terminated UTF-8, static */
    const char *version;  /* NUL-terminated UTF-8, static */
    const char *kind;     /* "pricing", "salary" or (ABI 1.1) "grid" */
    /* Writes the JSON manifest ("schema": "traincost.manifest"). */
    int32_t (*describe)(TcSink sink);
    /* Reads a JSON request ("schema": "traincost.request") of request_len bytes (not
     * NUL-terminated) and writes a JSON response ("schema": "traincost.response"). */
    int32_t (*evaluate)(const uint8_t *request, size_t request_len, TcSink sink);
} TcPluginV1;

#ifdef __cplusplus
}
#endif

#endif /* TRAINCOST_PLUGIN_H */
