import { consoleIo, exitWhenFlushed } from "../cli/io";
import { runDoctor } from "./doctor";

runDoctor(process.argv.slice(2), consoleIo).then(exitWhenFlushed);
