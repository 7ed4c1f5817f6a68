"""The "Konzept schreiben" tab (issue 9): placeholder until the workspace lands."""


def build_workspace(assistant) -> None:
    import gradio as gr

    gr.Markdown("Der Arbeitsbereich „Konzept schreiben“ wird gerade gebaut.")
