// Vite's `?url` imports: the URL of a file of the app, copied into dist/assets as it is.
declare module "*?url" {
  const url: string;
  export default url;
}
