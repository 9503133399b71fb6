#version 330 core
// Planar shadow: one flat, translucent colour (the stencil keeps it from doubling).
uniform vec4 u_colour;
out vec4 frag_colour;

void main() {
    frag_colour = u_colour;
}
