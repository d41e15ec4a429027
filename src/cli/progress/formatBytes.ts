// Shared with the model downloads, which list sizes in the same units as the progress bars.
export { formatBytes } from "../../util/formatBytes.js";
