// The service graph: Graphviz's inline SVG, whose nodes filter the trace list.

const graph = {
  svg: null,
  nodeOfService: new Map(), // node index (services, then peers) → <g>
  serviceOfNode: new Map(), // <g> → node index
  filter: -1, // node index filtering the trace list, or -1
  direction: '', // for a topic: 'produce' or 'consume' narrows the list to traces that go that way; '' both
  home: null, // the SVG's own viewBox: "fit"
  box: null, // the current viewBox {x, y, w, h}
  dragged: false,

  init() {
    const box = $('graph');
    this.svg = box.querySelector('svg');
    if (!this.svg) {
      $('graph-hint').textContent = 'No service graph in this report.';
      return;
    }
    const vb = this.svg.viewBox && this.svg.viewBox.baseVal;
    const width = parseFloat(this.svg.getAttribute('width')) || 800;
    const height = parseFloat(this.svg.getAttribute('height')) || 500;
    this.home = vb && vb.width > 0 ? { x: vb.x, y: vb.y, w: vb.width, h: vb.height } : { x: 0, y: 0, w: width, h: height };
    this.svg.removeAttribute('width');
    this.svg.removeAttribute('height');
    box.style.aspectRatio = this.home.w + ' / ' + this.home.h;
    this.svg.setAttribute('role', 'group');
    this.svg.setAttribute('aria-label', 'Service graph');
    this.setBox(this.home);
    // Graphviz titles are its internal ids (svc_…); the edges' own link titles say more.
    for (const title of this.svg.querySelectorAll('g.graph > title, g.node > title, g.edge > title, g.cluster > title')) title.remove();
    for (let index = 0; index < model.nodeCount; index++) {
      const id = model.nodeElementId(index);
      if (typeof id !== 'string' || !id) continue;
      const g = document.getElementById(id);
      if (!g || !this.svg.contains(g)) continue;
      const name = model.nodeName(index);
      g.classList.add('tg-service');
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
      const topic = model.isTopicNode(index);
      const what = topic ? 'produce to or consume from ' : model.isPeerNode(index) ? 'call ' : 'touch ';
      g.setAttribute('aria-label', 'Show the traces that ' + what + clip(model.nodeLabel(index)));
      const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
      title.textContent = clip(model.nodeLabel(index)) + ': click to show the traces that ' + what + 'it';
      g.prepend(title);
      this.nodeOfService.set(index, g);
      this.serviceOfNode.set(g, index);
    }
    this.svg.addEventListener('click', (e) => {
      if (!this.dragged) this.onActivate(e);
    });
    this.svg.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.onActivate(e);
      }
    });
    this.buildZoomControls();
    this.enablePanAndZoom(box);
  },

  onActivate(e) {
    const g = e.target instanceof Element ? e.target.closest('g.tg-service') : null;
    if (!g) return;
    const svc = this.serviceOfNode.get(g);
    this.setFilter(svc === this.filter ? -1 : svc);
  },

  setFilter(svc) {
    this.filter = svc;
    this.direction = '';
    for (const [index, g] of this.nodeOfService) g.classList.toggle('tg-filtered', index === svc);
    if (this.svg) this.svg.classList.toggle('tg-has-filter', svc >= 0);
    const chip = $('service-filter');
    chip.hidden = svc < 0;
    if (svc >= 0) {
      const label = $('service-filter-label');
      clear(label);
      if (!model.isPeerNode(svc)) label.append(swatch(svc));
      label.append(el('span', null, clip(model.isTopicNode(svc) ? model.nodeLabel(svc) : model.nodeName(svc))));
    }
    this.showTopicTraffic(svc);
    traceList.refilter();
  },

  /** Narrows a topic's traces to those that produce to it ('produce'), consume from it ('consume'), or either (''). */
  setDirection(direction) {
    if (!model.isTopicNode(this.filter)) return;
    this.direction = direction;
    for (const b of $('topic-bar').querySelectorAll('[data-direction]')) b.setAttribute('aria-pressed', String(b.dataset.direction === direction));
    traceList.refilter();
  },

  /** For a topic or queue: how many traces produce to it and how many consume from it, with buttons to list either. */
  showTopicTraffic(node) {
    const bar = $('topic-bar');
    bar.hidden = !model.isTopicNode(node);
    if (bar.hidden) return;
    const traffic = topicTraffic(model, node);
    $('topic-summary').textContent = clip(model.nodeLabel(node)) + ': '
      + plural(traffic.produce, 'trace produces', 'traces produce') + ' to it, '
      + formatCount(traffic.consume) + (traffic.consume === 1 ? ' consumes' : ' consume') + ' from it';
    for (const b of bar.querySelectorAll('[data-direction]')) {
      b.setAttribute('aria-pressed', String(b.dataset.direction === this.direction));
      const n = b.dataset.direction === 'produce' ? traffic.produce : b.dataset.direction === 'consume' ? traffic.consume : traffic.all;
      b.disabled = n === 0;
      b.title = plural(n, 'trace', 'traces');
    }
  },

  /** Outlines the services the selected trace touches. */
  markTrace(t) {
    if (!this.svg) return;
    const touched = new Set();
    for (let i = model.first[t], end = i + model.count[t]; i < end; i++) {
      touched.add(model.service[i]);
      if (model.peerOfSpan[i] >= 0) touched.add(model.services.length + model.peerOfSpan[i]);
    }
    for (const [index, g] of this.nodeOfService) g.classList.toggle('tg-in-trace', touched.has(index));
  },

  buildZoomControls() {
    const group = el('div', 'zoom-group');
    const button = (text, label, action) => {
      const b = el('button', 'btn btn-small', text);
      b.type = 'button';
      b.setAttribute('aria-label', label);
      b.addEventListener('click', action);
      group.append(b);
    };
    group.title = 'Drag the graph to pan; Ctrl + scroll (or pinch) zooms';
    button('−', 'Zoom out', () => this.zoomAround(null, 1 / 1.3));
    button('Fit', 'Fit the graph', () => this.setBox(this.home));
    button('+', 'Zoom in', () => this.zoomAround(null, 1.3));
    $('graph-heading').parentElement.append(group);
  },

  setBox(b) {
    this.box = { x: b.x, y: b.y, w: b.w, h: b.h };
    this.svg.setAttribute('viewBox', [b.x, b.y, b.w, b.h].map((v) => Math.round(v * 100) / 100).join(' '));
    $('graph').classList.toggle('zoomed', b.w < this.home.w * 0.999);
  },

  /** Zooms by `factor` keeping the SVG point under (clientX, clientY) in place; null: the middle. */
  zoomAround(client, factor) {
    const b = this.box;
    const w = Math.min(this.home.w * 2, Math.max(this.home.w / 12, b.w / factor));
    const f = b.w / w;
    let px = b.x + b.w / 2;
    let py = b.y + b.h / 2;
    if (client) {
      const m = this.svg.getScreenCTM();
      if (m) {
        const p = new DOMPoint(client[0], client[1]).matrixTransform(m.inverse());
        px = p.x;
        py = p.y;
      }
    }
    this.setBox({ x: px - (px - b.x) / f, y: py - (py - b.y) / f, w: b.w / f, h: b.h / f });
  },

  /** Drag pans; Ctrl/⌘ + wheel (and pinch) zooms. A drag is not a click on a node. */
  enablePanAndZoom(box) {
    let start = null;
    box.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      const m = this.svg.getScreenCTM();
      start = { x: e.clientX, y: e.clientY, box: Object.assign({}, this.box), scale: m ? m.a : 1, id: e.pointerId };
      this.dragged = false;
    });
    box.addEventListener('pointermove', (e) => {
      if (!start || e.pointerId !== start.id) return;
      const dx = e.clientX - start.x;
      const dy = e.clientY - start.y;
      if (!this.dragged && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!this.dragged) {
        this.dragged = true;
        box.setPointerCapture(e.pointerId);
        box.classList.add('panning');
      }
      this.setBox({ x: start.box.x - dx / start.scale, y: start.box.y - dy / start.scale, w: start.box.w, h: start.box.h });
    });
    const end = () => {
      start = null;
      box.classList.remove('panning');
      // The click that ends a drag comes after pointerup; forget the drag after it.
      setTimeout(() => {
        this.dragged = false;
      }, 0);
    };
    box.addEventListener('pointerup', end);
    box.addEventListener('pointercancel', end);
    box.addEventListener('wheel', (e) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      this.zoomAround([e.clientX, e.clientY], Math.exp(-e.deltaY * 0.0025));
    }, { passive: false });
  },
};
