"""A getopt_long work-alike producing glibc's error messages."""


class GetoptError(Exception):
    """message is what glibc prints to stderr."""


def getopt_long(args, shortopts, longopts, prog):
    """Parse args like glibc getopt_long (with argument permutation).

    longopts: {name: takes_argument}. Returns ([(name, value)], operands);
    short options are reported by their letter.
    """
    short_args = {}
    index = 0
    while index < len(shortopts):
        letter = shortopts[index]
        takes = index + 1 < len(shortopts) and shortopts[index + 1] == ":"
        short_args[letter] = takes
        index += 2 if takes else 1
    options, operands = [], []
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if arg == "--":
            operands.extend(args[position:])
            break
        if arg.startswith("--"):
            body = arg[2:]
            name, has_value, value = body.partition("=")
            matches = [opt for opt in longopts if opt == name]
            if not matches:
                matches = sorted(opt for opt in longopts if opt.startswith(name))
            if not matches:
                raise GetoptError("%s: unrecognized option '%s'" % (prog, arg))
            if len(matches) > 1:
                raise GetoptError("%s: option '%s' is ambiguous; possibilities: %s"
                                  % (prog, "--" + name, " ".join("'--%s'" % m for m in matches)))
            option = matches[0]
            if longopts[option]:
                if not has_value:
                    if position >= len(args):
                        raise GetoptError("%s: option '--%s' requires an argument" % (prog, option))
                    value = args[position]
                    position += 1
                options.append((option, value))
            else:
                if has_value:
                    raise GetoptError("%s: option '--%s' doesn't allow an argument" % (prog, option))
                options.append((option, None))
        elif arg.startswith("-") and arg != "-":
            letters = arg[1:]
            while letters:
                letter, letters = letters[0], letters[1:]
                if letter not in short_args:
                    raise GetoptError("%s: invalid option -- '%s'" % (prog, letter))
                if short_args[letter]:
                    if letters:
                        value, letters = letters, ""
                    elif position < len(args):
                        value = args[position]
                        position += 1
                    else:
                        raise GetoptError("%s: option requires an argument -- '%s'" % (prog, letter))
                    options.append((letter, value))
                else:
                    options.append((letter, None))
        else:
            operands.append(arg)
    return options, operands
