#ifndef REVTAG_CLIBXML2_SHIM_H
#define REVTAG_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU, whose headers clash with the copy of ICU inside
   swift-corelibs-foundation when a Swift file imports both modules. revtag never touches
   libxml2's ICU converters (it decodes to UTF-8 itself), so hide them. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>
#include <libxml/encoding.h>
#endif
