// Must not compile: the declarations catch a wrong argument.
import { connect } from '../../node.mjs'

void connect(8080)
