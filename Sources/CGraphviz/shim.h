// The few things Swift 6 cannot take from Graphviz's headers directly.
//
// - `Agdirected` is a mutable C global, which Swift 6 refuses as not
//   concurrency-safe: a function returns it instead.
// - cgraph 2.43 takes `char *` where later releases take `const char *`:
//   these wrappers take `const char *` and build against both.
// - `agwrite` writes to a `FILE *`: a wrapper writes into memory instead.
// - A graph with a discipline of ids of our own (GraphvizObjectIDs) is opened here, where
//   cgraph's mutable default disciplines can be named.
#ifndef TRACEGRAPH_CGRAPHVIZ_SHIM_H
#define TRACEGRAPH_CGRAPHVIZ_SHIM_H

#include <stdio.h>
#include <stdlib.h>
#include <graphviz/gvc.h>
#include <graphviz/cgraph.h>

static inline Agdesc_t cgraphviz_directed(void) { return Agdirected; }

/// Opens a directed graph whose objects take their ids from `ids`, with cgraph's own memory and
/// I/O disciplines. `disc` and `ids` are the caller's, and must outlive the graph.
static inline Agraph_t *cgraphviz_open_with_ids(const char *name, Agdisc_t *disc, Agiddisc_t *ids) {
    disc->mem = &AgMemDisc;
    disc->id = ids;
    disc->io = &AgIoDisc;
    return agopen((char *)name, Agdirected, disc);
}

static inline Agraph_t *cgraphviz_subgraph(Agraph_t *graph, const char *name) {
    return agsubg(graph, (char *)name, 1);
}

static inline Agnode_t *cgraphviz_node(Agraph_t *graph, const char *name) {
    return agnode(graph, (char *)name, 1);
}

static inline Agedge_t *cgraphviz_edge(Agraph_t *graph, Agnode_t *tail, Agnode_t *head, const char *name) {
    return agedge(graph, tail, head, (char *)name, 1);
}

/// Declares an attribute with its default; kind is AGRAPH, AGNODE or AGEDGE.
static inline Agsym_t *cgraphviz_declare(Agraph_t *graph, int kind, const char *name, const char *value) {
    return agattr(graph, kind, (char *)name, (char *)value);
}

/// Sets an attribute on a graph, node or edge, declaring it with default "" when new.
static inline int cgraphviz_set(void *object, const char *name, const char *value) {
    return agsafeset(object, (char *)name, (char *)value, "");
}

/// `agwrite` into a malloc'd buffer, which the caller frees with `free`.
static inline int cgraphviz_write(Agraph_t *graph, char **buffer, size_t *length) {
    FILE *stream = open_memstream(buffer, length);
    if (stream == NULL) return -1;
    int status = agwrite(graph, stream);
    if (fclose(stream) != 0) return -1;
    return status;
}

#endif
