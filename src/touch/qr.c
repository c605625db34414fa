/*
 * qr.c — QR code images with libqrencode: SVG (one path, crisp at any size,
 * with an optional label under the code for print sheets) and PNG (libpng).
 * Error correction level M; a 4-module quiet zone as the standard asks.
 */
#include "touch/touch.h"

#include <png.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define QUIET 4

typedef struct {
    char *buf;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap) b->cap = b->cap ? b->cap * 2 : 4096;
        b->buf = hh_xrealloc(b->buf, b->cap);
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = 0;
}

static void sb_fmt(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_fmt(sbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void xml_escape(sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': sb_add(b, "&lt;", 4); break;
        case '>': sb_add(b, "&gt;", 4); break;
        case '&': sb_add(b, "&amp;", 5); break;
        case '"': sb_add(b, "&quot;", 6); break;
        default: sb_add(b, s, 1);
        }
    }
}

char *hh_qr_svg(const char *text, int px, const char *label, size_t *len)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr) return NULL;
    int w = qr->width, full = (w + 2 * QUIET) * px;
    int label_h = label && *label ? px * 6 : 0;
    sbuf b = {0};
    sb_fmt(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
               " shape-rendering=\"crispEdges\"><rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>"
               "<path fill=\"#000\" d=\"",
           full, full + label_h, full, full + label_h);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++)
            if (qr->data[y * w + x] & 1)
                sb_fmt(&b, "M%d %dh%dv%dh-%dz", (x + QUIET) * px, (y + QUIET) * px, px, px, px);
    sb_add(&b, "\"/>", 3);
    if (label_h) {
        sb_fmt(&b, "<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"%d\" text-anchor=\"middle\">",
               full / 2, full + label_h / 2, px * 3);
        xml_escape(&b, label);
        sb_add(&b, "</text>", 7);
    }
    sb_add(&b, "</svg>", 6);
    QRcode_free(qr);
    *len = b.len;
    return b.buf;
}

static void png_write_cb(png_structp png, png_bytep data, png_size_t n)
{
    sb_add(png_get_io_ptr(png), (const char *)data, n);
}

static void png_flush_cb(png_structp png)
{
    (void)png;
}

unsigned char *hh_qr_png(const char *text, int px, size_t *len)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr) return NULL;
    int w = qr->width, full = (w + 2 * QUIET) * px;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    unsigned char *row = hh_xmalloc((size_t)full);
    sbuf b = {0};
    if (!png || !info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        QRcode_free(qr);
        free(row);
        free(b.buf);
        return NULL;
    }
    png_set_write_fn(png, &b, png_write_cb, png_flush_cb);
    png_set_IHDR(png, info, (png_uint_32)full, (png_uint_32)full, 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < full; y++) {
        int qy = y / px - QUIET;
        for (int x = 0; x < full; x++) {
            int qx = x / px - QUIET;
            bool dark = qy >= 0 && qy < w && qx >= 0 && qx < w && (qr->data[qy * w + qx] & 1);
            row[x] = dark ? 0 : 255;
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    QRcode_free(qr);
    free(row);
    *len = b.len;
    return (unsigned char *)b.buf;
}
