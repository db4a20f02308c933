"""The charts: the linked four-pane stack, the halving-cycles chart and their PNG images.

Owns everything drawn with pyqtgraph: the stack and its canvas, the panes and their items
(curves, shaded spans, date lines, grid), levels of detail, the crosshair and its readout, the
per-view fitting, date labels, the start-up price preview and the image export. It may import
`app` (result types, plain helpers), `widgets.theme` and itself; never the jobs, the tables or
the dialogs.
"""
