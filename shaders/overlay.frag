#version 330 core
in vec4 v_colour;
in vec2 v_uv;

uniform sampler2D u_texture;
uniform bool u_textured;

out vec4 frag_colour;

void main() {
    frag_colour = u_textured ? texture(u_texture, v_uv) * v_colour : v_colour;
}
