// Remembers the console theme for a year in a cookie on the console's path, which the server reads
// when it prerenders a page. Only "dark" and "light" are written.
export function saveTheme(theme) {
    const value = theme === "dark" ? "dark" : "light";
    const path = new URL(".", document.baseURI).pathname;
    document.cookie = `vigil.theme=${value}; path=${path}; max-age=31536000; samesite=strict`;
}
