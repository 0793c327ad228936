// revtag for VS Code: starts `revtag lsp` and lets vscode-languageclient do the rest
// (diagnostics, quick fixes, hover, outline, code lens, settings in the `revtag` section).
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function settings() {
  const config = vscode.workspace.getConfiguration("revtag");
  return {
    coder: config.get("coder"),
    store: config.get("store"),
    codebook: config.get("codebook"),
    maxDiagnostics: config.get("maxDiagnostics"),
    showConfirmed: config.get("showConfirmed"),
    confirmedMark: config.get("confirmedMark"),
  };
}

function activate(context) {
  const command = vscode.workspace.getConfiguration("revtag").get("path") || "revtag";
  const serverOptions = {
    run: { command, args: ["lsp"], transport: TransportKind.stdio },
    debug: { command, args: ["lsp"], transport: TransportKind.stdio },
  };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "html" },
      { scheme: "file", language: "xml" },
      { scheme: "file", language: "plaintext" },
      { scheme: "file", language: "markdown" },
    ],
    initializationOptions: settings(),
    // Sends workspace/didChangeConfiguration with the `revtag` section when settings change.
    synchronize: { configurationSection: "revtag" },
  };
  client = new LanguageClient("revtag", "revtag", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand("revtag.suggestions", async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return;
      const result = await client.sendRequest("revtag/suggestions", {
        textDocument: { uri: editor.document.uri.toString() },
      });
      const doc = await vscode.workspace.openTextDocument({ language: "json", content: JSON.stringify(result, null, 2) });
      await vscode.window.showTextDocument(doc, { preview: true });
    })
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
