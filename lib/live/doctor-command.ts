import { consoleIo } from "../cli/io";
import { runDoctor } from "./doctor";

runDoctor(process.argv.slice(2), consoleIo).then((status) => {
  process.exitCode = status;
});
