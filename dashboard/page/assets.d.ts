// Lets the page import its stylesheet: esbuild bundles imported CSS into app.css.
declare module '*.css';
