-- revtag for Neovim (0.8+): put this in your init.lua (or ~/.config/nvim/after/plugin/revtag.lua).
-- Suggestions appear as diagnostics; `vim.lsp.buf.code_action()` confirms or rejects them,
-- `vim.lsp.buf.hover()` explains them, `vim.lsp.buf.document_symbol()` lists sections.
vim.api.nvim_create_autocmd("FileType", {
  pattern = { "html", "xml", "text", "markdown" },
  callback = function(args)
    local root = vim.fs.dirname(vim.fs.find({ "annotations", "revtag.yaml", ".git" }, {
      upward = true,
      path = vim.api.nvim_buf_get_name(args.buf),
    })[1] or vim.api.nvim_buf_get_name(args.buf))
    vim.lsp.start({
      name = "revtag",
      cmd = { "revtag", "lsp" },
      root_dir = root,
      init_options = {
        coder = os.getenv("REVTAG_CODER"), -- or your name, e.g. "amira"
        -- store = "annotations/revtag.sqlite",
        -- codebook = "revtag.yaml",
        maxDiagnostics = 500,
        showConfirmed = true,
      },
    }, { bufnr = args.buf })
  end,
})
