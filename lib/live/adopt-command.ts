import { consoleIo, exitWhenFlushed } from "../cli/io";
import { runAdopt } from "./adopt";

runAdopt(process.argv.slice(2), consoleIo).then(exitWhenFlushed);
