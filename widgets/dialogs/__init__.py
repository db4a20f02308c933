"""The dialogs: settings (with its instrument editor and typed field values), the error dialog
and the small prompts (import key, export width, overwrite check, About).

It may import `app`, `widgets.theme`, `widgets.tables` (shared colours) and `widgets.jobs`
(the settings dialog's Test button runs in a worker); never the main window.
"""
