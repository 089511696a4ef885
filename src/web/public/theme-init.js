// Runs before the first paint so a dark-mode user never sees a white flash. The React app keeps
// the same key in sync with the account setting.
(function () {
  try {
    var pref = localStorage.getItem('mcrm.theme') || 'system';
    var dark = pref === 'dark' || (pref === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
    document.documentElement.classList.toggle('dark', dark);
    document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
  } catch (e) {
    /* private mode without storage: the app applies the theme once it loads */
  }
})();
