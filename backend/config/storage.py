from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    # Rewrite `import "./push.js"` in JavaScript modules to the hashed names too, so a page
    # loads exactly the files the service worker precached and a changed module is fetched anew.
    support_js_module_import_aggregation = True
