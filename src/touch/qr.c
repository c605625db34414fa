/*
 * qr.c — QR code images with libqrencode: SVG (one path, crisp at any size,
 * with an optional label under the code for print sheets) and PNG (libpng).
 * Error correction level M; a 4-module quiet zone as the standard asks.
 */
#include "touch/touch.h"
#include "core/buf.h"

#include <png.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define QUIET 4

static void xml_escape(hh_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': hh_buf_add(b, "&lt;", 4); break;
        case '>': hh_buf_add(b, "&gt;", 4); break;
        case '&': hh_buf_add(b, "&amp;", 5); break;
        case '"': hh_buf_add(b, "&quot;", 6); break;
        default: hh_buf_add(b, s, 1);
        }
    }
}

char *hh_qr_svg(const char *text, int px, const char *label, size_t *len)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr) return NULL;
    int w = qr->width, full = (w + 2 * QUIET) * px;
    int label_h = label && *label ? px * 6 : 0;
    hh_buf b = {0};
    hh_buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
               " shape-rendering=\"crispEdges\"><rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>"
               "<path fill=\"#000\" d=\"",
           full, full + label_h, full, full + label_h);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++)
            if (qr->data[y * w + x] & 1)
                hh_buf_printf(&b, "M%d %dh%dv%dh-%dz", (x + QUIET) * px, (y + QUIET) * px, px, px, px);
    hh_buf_add(&b, "\"/>", 3);
    if (label_h) {
        hh_buf_printf(&b, "<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"%d\" text-anchor=\"middle\">",
               full / 2, full + label_h / 2, px * 3);
        xml_escape(&b, label);
        hh_buf_add(&b, "</text>", 7);
    }
    hh_buf_add(&b, "</svg>", 6);
    QRcode_free(qr);
    *len = b.len;
    return b.data;
}

static void png_write_cb(png_structp png, png_bytep data, png_size_t n)
{
    hh_buf_add(png_get_io_ptr(png), (const char *)data, n);
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
    hh_buf b = {0};
    if (!png || !info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        QRcode_free(qr);
        free(row);
        free(b.data);
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
    return (unsigned char *)b.data;
}
