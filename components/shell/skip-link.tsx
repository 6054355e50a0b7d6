// "Skip to content": the first stop of the Tab key, hidden until focused, jumping past the header to
// the page's <main id="main-content"> (which takes focus, so the next Tab starts there).
export function SkipLink() {
  return (
    <a
      href="#main-content"
      className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:text-indigo-800 focus:shadow-lg focus:outline-2 focus:outline-indigo-600 dark:focus:bg-slate-900 dark:focus:text-indigo-200"
    >
      Skip to content
    </a>
  );
}
